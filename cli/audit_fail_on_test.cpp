// `tollgate audit --fail-on`: exit 1 when a constraint with that action or a
// stronger one (deny > warn > dryrun) has violations; never: always 0.
#include <catch2/catch.hpp>

#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

TEST_CASE("tollgate audit exits 1 only when violations reach the --fail-on action", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  auto audit = [&](const std::string& objects, const std::string& fail_on) {
    std::vector<std::string> args = {"audit", "-f", objects, "--policies", files.policies};
    if (!fail_on.empty()) args.insert(args.end(), {"--fail-on", fail_on});
    return run(args).code;
  };
  // shop/checkout violates the deny constraint (prod, no owner) and the warn one.
  std::string deny = tree.write("deny.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n"
                                             "---\napiVersion: v1\nkind: Pod\nmetadata: {name: checkout, namespace: shop}\n");
  CHECK(audit(deny, "") == 1);
  CHECK(audit(deny, "deny") == 1);
  CHECK(audit(deny, "warn") == 1);
  CHECK(audit(deny, "never") == 0);
  // lab/notebook only the warn one (with lab in the dump: an unknown Namespace fails the namespaceSelector).
  std::string warn = tree.write("warn.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n"
                                             "---\napiVersion: v1\nkind: Pod\nmetadata: {name: notebook, namespace: lab}\n");
  CHECK(audit(warn, "deny") == 0);
  CHECK(audit(warn, "warn") == 1);
  CHECK(audit(warn, "dryrun") == 1);
  // A ConfigMap only the dryrun one.
  std::string dryrun = tree.write("dryrun.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: lab}\n");
  CHECK(audit(dryrun, "warn") == 0);
  CHECK(audit(dryrun, "dryrun") == 1);
  // Nothing violated.
  std::string clean = tree.write("clean.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {owner: o}}\n");
  CHECK(audit(clean, "dryrun") == 0);

  Run bad = run({"audit", "-f", clean, "--policies", files.policies, "--fail-on", "sometimes"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--fail-on wants deny, warn, dryrun or never"));
}
