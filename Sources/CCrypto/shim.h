// OpenSSL's libcrypto (Debian libssl-dev), for the Jupyter kernel's HMAC-SHA256 message
// signatures and their constant-time comparison.
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
