#include "cli/args.h"

#include <catch2/catch.hpp>
#include <ostream>
#include <sstream>

using namespace tollgate::cli;

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"filename", 'f', true, true, "PATH", "input"},
    {"output", 'o', true, false, "FORMAT", "format"},
    {"verbose", 'v', false, false, "", "more"},
    {"deny-only", 0, false, false, "", "denials"},
};

ParsedArgs parse_ok(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  std::string error;
  INFO(error);
  REQUIRE(parse_args(args, kSpecs, &parsed, &error));
  return parsed;
}

std::string parse_error(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  std::string error;
  CHECK_FALSE(parse_args(args, kSpecs, &parsed, &error));
  return error;
}

}  // namespace

TEST_CASE("long, short and attached option values", "[cli][args]") {
  ParsedArgs p = parse_ok({"-f", "a.yaml", "--filename", "dir/", "--filename=b.yaml", "-fc.yaml", "-o=json"});
  CHECK(p.values("filename") == std::vector<std::string>{"a.yaml", "dir/", "b.yaml", "c.yaml"});
  CHECK(p.value("output") == "json");
  CHECK(p.value("missing", "fallback") == "fallback");
  CHECK_FALSE(p.has("verbose"));
}

TEST_CASE("boolean flags", "[cli][args]") {
  CHECK(parse_ok({"-v"}).flag("verbose"));
  CHECK(parse_ok({"--verbose"}).flag("verbose"));
  CHECK_FALSE(parse_ok({"--verbose=false"}).flag("verbose"));
  CHECK(parse_ok({"--deny-only=true"}).flag("deny-only"));
  CHECK_FALSE(parse_ok({}).flag("deny-only"));
  CHECK(parse_error({"--verbose=maybe"}) == "option --verbose takes true or false, not \"maybe\"");
  CHECK(parse_error({"-vx"}) == "option -v takes no value");
}

TEST_CASE("positional arguments, stdin dash and the -- separator", "[cli][args]") {
  ParsedArgs p = parse_ok({"lib/...", "-v", "-", "--", "--not-an-option", "-f"});
  CHECK(p.positional == std::vector<std::string>{"lib/...", "-", "--not-an-option", "-f"});
  CHECK(p.flag("verbose"));
  // A value may itself start with a dash.
  CHECK(parse_ok({"-f", "-"}).values("filename") == std::vector<std::string>{"-"});
}

TEST_CASE("mistakes are named", "[cli][args]") {
  CHECK(parse_error({"--nope"}) == "unknown option --nope");
  CHECK(parse_error({"-x"}) == "unknown option -x");
  CHECK(parse_error({"--output"}) == "option --output needs a value");
  CHECK(parse_error({"-f"}) == "option -f needs a value");
  CHECK(parse_error({"-o", "json", "--output", "yaml"}) == "option --output given more than once");
}

TEST_CASE("help lists every option aligned", "[cli][args]") {
  std::string help = format_options_help(kSpecs);
  CHECK(help.find("  -f, --filename PATH  input (repeatable)\n") != std::string::npos);
  CHECK(help.find("      --deny-only      denials\n") != std::string::npos);
}

TEST_CASE("a subcommand stops on a parse error or --help and goes on otherwise", "[cli][args]") {
  const std::vector<OptionSpec> specs = {{"output", 'o', true, false, "FORMAT", "format"},
                                         {"help", 'h', false, false, "", "show this help"}};
  void (*print_usage)(std::ostream&) = [](std::ostream& out) { out << "Usage: x\n"; };
  std::ostringstream out, err;
  ParsedArgs parsed;

  CHECK(parse_command_args({"--nope"}, specs, print_usage, out, err, &parsed) == 2);
  CHECK(err.str() == "Error: unknown option --nope\n");
  CHECK(out.str().empty());

  err.str("");
  CHECK(parse_command_args({"-h"}, specs, print_usage, out, err, &parsed) == 0);
  CHECK(out.str() == "Usage: x\n");
  CHECK(err.str().empty());

  out.str("");
  CHECK_FALSE(parse_command_args({"-o", "json", "file"}, specs, print_usage, out, err, &parsed).has_value());
  CHECK(parsed.value("output") == "json");
  CHECK(parsed.positional == std::vector<std::string>{"file"});
  CHECK(out.str().empty());
  CHECK(err.str().empty());
}
