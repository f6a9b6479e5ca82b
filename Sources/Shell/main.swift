#if canImport(Glibc)
@preconcurrency import Glibc
#endif

exit(CommandLine.main())
