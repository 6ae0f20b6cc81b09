// A `kubectl get -A -o json` dump is read with the JSON parser: a big
// cluster's dump is not refused by the YAML reader's size limit
// (--max-policy-file-bytes), which still guards YAML files.
#include <catch2/catch.hpp>

#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"
#include "rules/value/yaml.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

// --max-policy-file-bytes sets a process-wide limit: put it back for the other tests.
struct RestoreLimit {
  size_t saved = tollgate::value::max_yaml_file_bytes();
  ~RestoreLimit() { tollgate::value::max_yaml_file_bytes() = saved; }
};

}  // namespace

TEST_CASE("tollgate audit reads a JSON dump past the YAML size limit, and still limits YAML", "[cli][audit]") {
  RestoreLimit restore;
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  std::string items;
  std::string documents;
  for (int i = 0; i < 300; ++i) {
    std::string cm = R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm)" + std::to_string(i) +
                     R"(", "namespace": "lab"}, "data": {"key": "some value that takes room"}})";
    items += (i ? ",\n" : "") + cm;
    documents += "---\n" + cm + "\n";
  }
  std::string json = tree.write("dump.json", "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n" + items + "]}\n");
  std::string yaml = tree.write("dump.yaml", documents);

  Run r = run({"audit", "-f", json, "--policies", files.policies, "--max-policy-file-bytes", "8000",
               "--constraint-violations-limit", "0"});
  INFO(r.err);
  CHECK(r.code == 0);  // the ConfigMaps only break the dryrun constraint
  CHECK_THAT(r.out, Catch::Contains("K8sDenyAll/no-configmaps-yet (dryrun): 300 violations\n"));

  Run refused = run({"audit", "-f", yaml, "--policies", files.policies, "--max-policy-file-bytes", "8000"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("over the limit of 8000 bytes"));
}
