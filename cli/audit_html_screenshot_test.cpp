// The HTML audit report renders in a browser: headless Chromium (Debian
// package `chromium`, installed by .ci/install-deps.sh --test), with the
// network off, takes a screenshot of it, and the PNG is a real,
// non-trivial image. Set TOLLGATE_AUDIT_SCREENSHOT=<file> to keep a copy.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

// Big-endian 32-bit integer at `offset`.
uint32_t be32(const std::string& bytes, size_t offset) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + 3]));
}

}  // namespace

TEST_CASE("the HTML audit report renders in headless Chromium", "[cli][audit][html][chromium]") {
  REQUIRE(std::system("command -v chromium > /dev/null 2>&1") == 0);
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  std::string html = tree.path("audit.html");
  Run r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "html", "--output-file", html});
  REQUIRE(r.code == 1);

  std::string png = tree.path("audit.png");
  std::string profile = tree.path("chromium-profile");
  std::filesystem::create_directories(profile);
  std::string command = "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update --disable-sync "
                        "--user-data-dir='" + profile + "' --screenshot='" + png +
                        "' --window-size=1280,1600 'file://" + html + "' > '" + tree.path("chromium.log") + "' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream log_file(tree.path("chromium.log"));
  std::string log((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  INFO("chromium: " << log);
  REQUIRE(status == 0);
  REQUIRE(std::filesystem::exists(png));

  std::ifstream in(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 24);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(be32(bytes, 16) == 1280);  // IHDR width
  CHECK(be32(bytes, 20) == 1600);  // IHDR height
  // A blank 1280x1600 page compresses to a few kilobytes; text, tables and badges do not.
  CHECK(bytes.size() > 30000);

  if (const char* keep = std::getenv("TOLLGATE_AUDIT_SCREENSHOT")) {
    std::filesystem::copy_file(png, keep, std::filesystem::copy_options::overwrite_existing);
  }
}
