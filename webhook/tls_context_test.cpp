#include "webhook/tls_context.h"

#include <catch2/catch.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace tollgate::webhook;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tollgate-tls-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

void make_certs(const fs::path& dir) {
  std::string command = std::string("bash ") + TOLLGATE_SOURCE_DIR "/certs/make-dev-certs.sh '" + dir.string() +
                        "' > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
}

std::string serial_of(const boost::asio::ssl::context& context) {
  X509* certificate = SSL_CTX_get0_certificate(const_cast<boost::asio::ssl::context&>(context).native_handle());
  REQUIRE(certificate != nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(certificate, EVP_sha256(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

}  // namespace

TEST_CASE("loads a certificate and key, refuses missing or mismatched files", "[tls_context]") {
  TempDir first, second;
  make_certs(first.path);
  make_certs(second.path);
  auto context = make_server_tls_context((first.path / "tls.crt").string(), (first.path / "tls.key").string());
  REQUIRE(context);
  CHECK(SSL_CTX_get_min_proto_version(context->native_handle()) == TLS1_2_VERSION);

  CHECK_THROWS_WITH(make_server_tls_context((first.path / "nope.crt").string(), (first.path / "tls.key").string()),
                    Catch::Contains("cannot load TLS certificate") && Catch::Contains("nope.crt") &&
                        Catch::Contains("No such file or directory"));
  CHECK_THROWS_WITH(make_server_tls_context((first.path / "tls.crt").string(), (second.path / "tls.key").string()),
                    Catch::Contains("mismatch"));
}

TEST_CASE("a changed certificate is picked up for new connections, a broken one is not", "[tls_context]") {
  TempDir live, replacement;
  make_certs(live.path);
  make_certs(replacement.path);
  std::string cert = (live.path / "tls.crt").string();
  std::string key = (live.path / "tls.key").string();
  ReloadingTlsContext tls(cert, key, std::chrono::milliseconds(0));
  auto before = tls.current();
  CHECK_FALSE(tls.reload_if_changed());
  CHECK(tls.current() == before);

  // Only the key replaced: the pair does not match, so the old context stays.
  fs::copy_file(replacement.path / "tls.key", key, fs::copy_options::overwrite_existing);
  CHECK_FALSE(tls.reload_if_changed());
  CHECK(tls.current() == before);

  // Then the certificate arrives: the new pair is served.
  fs::copy_file(replacement.path / "tls.crt", cert, fs::copy_options::overwrite_existing);
  auto after = tls.current();
  CHECK(after != before);
  CHECK(serial_of(*after) != serial_of(*before));
  // The old context lives on for connections that hold it.
  CHECK(serial_of(*before).size() == 32);
}
