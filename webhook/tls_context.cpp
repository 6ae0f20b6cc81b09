#include "webhook/tls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <stdexcept>

#include "webhook/log.h"

namespace tollgate::webhook {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL 3 reports an unreadable file as a bare "system library" error
// (asio prints "asio.ssl error"); say what the operating system said.
void require_readable(const std::string& file, const char* what) {
  if (::access(file.c_str(), R_OK) != 0) {
    throw std::runtime_error(std::string("cannot load TLS ") + what + " " + file + ": " + std::strerror(errno));
  }
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
  require_readable(cert_file, "certificate");
  require_readable(key_file, "key");
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only. TLS 1.3 keeps OpenSSL's defaults.
  SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20");
  static const unsigned char session_id_context[] = "tollgate";
  SSL_CTX_set_session_id_context(native, session_id_context, sizeof(session_id_context) - 1);
  try {
    context->use_certificate_chain_file(cert_file);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate " + cert_file + ": " + e.what());
  }
  try {
    context->use_private_key_file(key_file, ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS key " + key_file + ": " + e.what());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("TLS key " + key_file + " does not match the certificate " + cert_file);
  }
  return context;
}

int64_t certificate_not_after_unix(ssl::context& context) {
  X509* leaf = SSL_CTX_get0_certificate(context.native_handle());
  if (leaf == nullptr) return 0;
  struct tm when {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &when) != 1) return 0;
  return static_cast<int64_t>(timegm(&when));
}

ReloadingTlsContext::ReloadingTlsContext(std::string cert_file, std::string key_file,
                                         std::chrono::milliseconds check_interval)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)), check_interval_(check_interval) {
  loaded_stamps_ = stamps();
  context_ = make_server_tls_context(cert_file_, key_file_);
  not_after_unix_ = certificate_not_after_unix(*context_);
  last_check_ = std::chrono::steady_clock::now();
}

ReloadingTlsContext::Stamps ReloadingTlsContext::stamps() const {
  auto stamp = [](const std::string& file) {
    FileStamp result;
    struct stat info {};
    // stat follows symlinks: a Kubernetes Secret volume swaps its ..data link.
    if (::stat(file.c_str(), &info) == 0) {
      result.device = info.st_dev;
      result.inode = info.st_ino;
      result.size = info.st_size;
      result.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    }
    return result;
  };
  return Stamps{stamp(cert_file_), stamp(key_file_)};
}

std::shared_ptr<ssl::context> ReloadingTlsContext::current() {
  std::unique_lock lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now - last_check_ >= check_interval_) {
    lock.unlock();
    reload_if_changed();
    lock.lock();
  }
  return context_;
}

bool ReloadingTlsContext::reload_if_changed() {
  std::lock_guard lock(mutex_);
  last_check_ = std::chrono::steady_clock::now();
  Stamps now = stamps();
  if (now == loaded_stamps_ || now == failed_stamps_) return false;
  try {
    context_ = make_server_tls_context(cert_file_, key_file_);
    not_after_unix_ = certificate_not_after_unix(*context_);
    loaded_stamps_ = now;
    log_info(LogLine("reloaded TLS certificate").field("cert", cert_file_).field("key", key_file_));
    return true;
  } catch (const std::exception& e) {
    failed_stamps_ = now;  // retried when either file changes again
    log_warn(LogLine("TLS certificate changed but cannot be loaded; keeping the previous one")
                 .field("error", e.what()));
    return false;
  }
}

}  // namespace tollgate::webhook
