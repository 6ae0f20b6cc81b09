// `tollgate eval --cel` prints a CEL result with its type kept: a double
// stays a double, and --typed prints the type name as cel-go reports it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

const char* kPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  replicas: 3\n";

Run eval(const std::string& expression, bool typed = true) {
  std::vector<std::string> args = {"eval", "-i", "-", "--cel", expression};
  if (typed) args.push_back("--typed");
  return run(args, kPod);
}

}  // namespace

TEST_CASE("eval --cel keeps a whole double a double", "[cli][eval][cel]") {
  Run plain = eval("1.0", false);
  CHECK(plain.code == 0);
  CHECK(plain.out == "1.0\n");
  CHECK(eval("1.0").out == "{\"type\":\"double\",\"value\":1.0}\n");
  CHECK(eval("[1.0, 2.5]", false).out == "[\n  1.0,\n  2.5\n]\n");
  CHECK(eval("double(object.spec.replicas)").out == "{\"type\":\"double\",\"value\":3.0}\n");
  CHECK(eval("0.0 / 0.0").out == "{\"type\":\"double\",\"value\":\"NaN\"}\n");
}

TEST_CASE("eval --cel --typed names uint, bytes, durations, timestamps and optionals", "[cli][eval][cel]") {
  CHECK(eval("3u").out == "{\"type\":\"uint\",\"value\":3}\n");
  CHECK(eval("b'hi'").out == "{\"type\":\"bytes\",\"value\":\"aGk=\"}\n");
  CHECK(eval("duration('90s')").out == "{\"type\":\"google.protobuf.Duration\",\"value\":\"90s\"}\n");
  CHECK(eval("timestamp('2024-01-02T03:04:05Z')").out ==
        "{\"type\":\"google.protobuf.Timestamp\",\"value\":\"2024-01-02T03:04:05Z\"}\n");
  CHECK(eval("object.?spec.?replicas").out == "{\"type\":\"optional_type\",\"value\":{\"optional\":3}}\n");
  CHECK(eval("object.?nope").out == "{\"type\":\"optional_type\",\"value\":{\"optional\":null}}\n");
  CHECK(eval("{1: 'a'}").out == "{\"type\":\"map\",\"value\":{\"1\":\"a\"}}\n");
}

TEST_CASE("eval --cel --typed names the Kubernetes library types", "[cli][eval][cel]") {
  CHECK(eval("quantity('1Gi')").out == "{\"type\":\"kubernetes.Quantity\",\"value\":\"1Gi\"}\n");
  CHECK(eval("ip('10.0.0.1')").out == "{\"type\":\"net.IP\",\"value\":\"10.0.0.1\"}\n");
  CHECK(eval("cidr('10.0.0.0/8')").out == "{\"type\":\"net.CIDR\",\"value\":\"10.0.0.0/8\"}\n");
}

TEST_CASE("eval --cel --typed reports errors in the same JSON form", "[cli][eval][cel]") {
  Run runtime = eval("object.spec.nope");
  CHECK(runtime.code == 1);
  CHECK(runtime.out == "{\"error\":\"no such key: nope\"}\n");
  Run refused = eval("1 + 'a'");
  CHECK(refused.code == 1);
  CHECK(nlohmann::json::parse(refused.out).contains("compile_error"));
}
