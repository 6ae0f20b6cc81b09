// The serving certificate's expiry is exported, so a dashboard or an alert
// sees a certificate that is about to run out, and sees a rotation.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "policies/gator/test_support.h"
#include "webhook/metrics.h"
#include "webhook/tls_context.h"

namespace fs = std::filesystem;
using namespace tollgate::webhook;
using tollgate::policies::gator::testing::TempTree;

namespace {

// A self-signed certificate valid for `days` days, and its key.
void make_certificate(const fs::path& dir, int days) {
  std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=tollgate"
                        " -days " + std::to_string(days) + " -keyout '" + (dir / "tls.key").string() + "' -out '" +
                        (dir / "tls.crt").string() + "' 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("the serving certificate's expiry is exported and follows a rotation", "[tls_context][metrics]") {
  TempTree live_dir, rotated_dir;
  fs::path live = live_dir.path(), rotated = rotated_dir.path();
  make_certificate(live, 10);
  make_certificate(rotated, 90);
  ReloadingTlsContext tls((live / "tls.crt").string(), (live / "tls.key").string(), std::chrono::milliseconds(0));
  constexpr int64_t kDay = 86400;
  CHECK(tls.not_after_unix() > unix_now() + 9 * kDay);
  CHECK(tls.not_after_unix() <= unix_now() + 10 * kDay + 60);

  Metrics metrics;
  CHECK_THAT(metrics.render(), Catch::Contains("tollgate_tls_certificate_not_after_seconds 0"));
  metrics.set_tls_not_after_source([&tls] { return tls.not_after_unix(); });
  int64_t first = tls.not_after_unix();
  CHECK_THAT(metrics.render(), Catch::Contains("tollgate_tls_certificate_not_after_seconds " + std::to_string(first)));

  fs::copy_file(rotated / "tls.key", live / "tls.key", fs::copy_options::overwrite_existing);
  fs::copy_file(rotated / "tls.crt", live / "tls.crt", fs::copy_options::overwrite_existing);
  REQUIRE(tls.reload_if_changed());
  CHECK(tls.not_after_unix() > unix_now() + 89 * kDay);
  CHECK_THAT(metrics.render(),
             Catch::Contains("tollgate_tls_certificate_not_after_seconds " + std::to_string(tls.not_after_unix())));
}
