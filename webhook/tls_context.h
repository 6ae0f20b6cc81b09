// The server's TLS configuration (TLS 1.2 minimum, forward-secret ciphers),
// built from a certificate chain and key file and rebuilt when those files
// change, so that cert-manager or a Secret update rotates the certificate
// without a restart. Connections keep the context they started with.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>

#include <boost/asio/ssl/context.hpp>

namespace tollgate::webhook {

// Throws std::runtime_error naming the file and OpenSSL's reason.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                                   const std::string& key_file);

// The notAfter of the context's own (leaf) certificate, in seconds since the
// Unix epoch; 0 when it has none.
int64_t certificate_not_after_unix(boost::asio::ssl::context& context);

class ReloadingTlsContext {
 public:
  // Loads the files now; throws like make_server_tls_context.
  ReloadingTlsContext(std::string cert_file, std::string key_file,
                      std::chrono::milliseconds check_interval = std::chrono::seconds(2));

  // The context for a new connection. At most once per check interval,
  // looks at the files and reloads them if they changed; a failed reload
  // (say, the key written but not yet the certificate) keeps the previous
  // context and is retried once either file changes again.
  std::shared_ptr<boost::asio::ssl::context> current();
  // Looks at the files now; true when a new context was installed.
  bool reload_if_changed();
  // The notAfter of the serving (leaf) certificate now in use, in seconds
  // since the Unix epoch: what tollgate_tls_certificate_not_after_seconds shows.
  int64_t not_after_unix() const { return not_after_unix_.load(std::memory_order_relaxed); }

 private:
  struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct Stamps {
    FileStamp cert, key;
    bool operator==(const Stamps&) const = default;
  };
  Stamps stamps() const;

  const std::string cert_file_;
  const std::string key_file_;
  const std::chrono::milliseconds check_interval_;
  std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  Stamps loaded_stamps_;
  Stamps failed_stamps_;
  std::chrono::steady_clock::time_point last_check_;
  std::atomic<int64_t> not_after_unix_{0};
};

}  // namespace tollgate::webhook
