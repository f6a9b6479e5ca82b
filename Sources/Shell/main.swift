#if canImport(Glibc)
@preconcurrency import Glibc
#endif

exit(PrunelabCommand.main(CommandLine.arguments))
