// `tollgate audit` progress: one line redrawn in place (objects, objects/s,
// ETA) at most five times a second; silent unless stderr is a terminal or
// --progress asks for it.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "cli/audit_progress.h"
#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::AuditProgress;
using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

TEST_CASE("the audit progress line shows objects done, objects per second and the time left", "[cli][audit]") {
  CHECK(AuditProgress::line(12345, 100000, 1.5) == "audit: 12,345/100,000 objects  8,230 objects/s  ETA 11s");
  CHECK(AuditProgress::line(500, 0, 2.0) == "audit: 500 objects  250 objects/s");
  CHECK(AuditProgress::line(0, 10, 0.0) == "audit: 0/10 objects");
  CHECK(AuditProgress::line(1000, 1000000, 10.0) == "audit: 1,000/1,000,000 objects  100 objects/s  ETA 2h46m");
  CHECK(AuditProgress::line(100, 10000, 10.0) == "audit: 100/10,000 objects  10 objects/s  ETA 16m30s");
}

TEST_CASE("the audit progress line is redrawn at most five times a second", "[cli][audit]") {
  std::ostringstream out;
  AuditProgress::Clock::time_point t{};
  AuditProgress progress(out, 1000, [&] { return t; });
  for (int ms = 0; ms <= 1000; ms += 10) {
    t = AuditProgress::Clock::time_point{} + std::chrono::milliseconds(ms);
    progress.update(static_cast<size_t>(ms));
  }
  std::string text = out.str();
  size_t redraws = 0;
  for (char c : text) redraws += c == '\r';
  CHECK(redraws == 5);  // at 200, 400, 600, 800 and 1000 ms
  CHECK(text.find("\raudit: 1,000/1,000 objects  1,000 objects/s  ETA 0s") != std::string::npos);
  CHECK(text.find('\n') == std::string::npos);
  progress.finish(1000);
  CHECK(out.str().back() == '\n');
}

TEST_CASE("a shorter progress line blanks out what the longer one before it left", "[cli][audit]") {
  std::ostringstream out;
  AuditProgress::Clock::time_point t{};
  AuditProgress progress(out, 0, [&] { return t; });
  t += std::chrono::milliseconds(250);
  progress.update(123456);
  t += std::chrono::seconds(1000);
  progress.update(123457);
  std::string text = out.str();
  size_t second = text.rfind('\r');
  size_t first_length = second;  // "\r" + line
  CHECK(text.size() - second == first_length);
}

TEST_CASE("tollgate audit prints no progress when stderr is not a terminal", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  auto r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "--fail-on", "never"});
  CHECK(r.code == 0);
  CHECK(r.err.find("objects") == std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);
}

TEST_CASE("tollgate audit --progress draws the progress line off a terminal too", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  auto r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "--fail-on", "never", "--progress",
                "-o", "json"});
  CHECK(r.code == 0);
  // The last drawing has every object, and ends its line.
  size_t at = r.err.rfind("\raudit: ");
  REQUIRE(at != std::string::npos);
  std::string last = r.err.substr(at + 1, r.err.find('\n', at) - at - 1);
  CHECK_THAT(last, Catch::Matches(R"(audit: (\d+)/\1 objects  [0-9,]+ objects/s  ETA 0s *)"));
  CHECK(r.out.find("\"kind\": \"List\"") != std::string::npos);
  auto quiet = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "--fail-on", "never",
                    "--progress", "--no-progress"});
  CHECK(quiet.err.find('\r') == std::string::npos);
}
