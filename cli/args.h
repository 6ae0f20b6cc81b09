// The small command-line parser the tollgate subcommands share: long
// (--name value, --name=value) and short (-n value, -nvalue) options,
// boolean flags (--flag, --flag=false), repeatable options, positional
// arguments ("-" is positional: stdin), and "--" to end the options.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::cli {

struct OptionSpec {
  std::string name;         // long name without dashes, e.g. "policies"
  char short_name = 0;      // e.g. 'f'; 0 = none
  bool takes_value = true;  // false: a boolean flag
  bool repeatable = false;  // may be given several times (values accumulate)
  std::string value_name;   // for help, e.g. "DIR"
  std::string help;
};

class ParsedArgs {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // The last value given, or `fallback`.
  std::string value(const std::string& name, const std::string& fallback = "") const;
  // Every value given, in order.
  std::vector<std::string> values(const std::string& name) const;
  // A boolean flag: given without a value or with true/1.
  bool flag(const std::string& name) const;

  std::vector<std::string> positional;

 private:
  friend bool parse_args(const std::vector<std::string>&, const std::vector<OptionSpec>&, ParsedArgs*, std::string*);
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses `args` (without the program and subcommand names). Returns false
// with a message naming the offending argument on an unknown option, a
// missing value, a bad boolean or a repeated non-repeatable option.
bool parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs, ParsedArgs* out,
                std::string* error);

// How every subcommand starts: parses `args`; a parse error is printed to
// `err` as "Error: ..." (exit code 2), and a --help flag prints the usage to
// `out` (exit code 0). Returns that exit code, or nullopt when the command
// should go on with *parsed.
std::optional<int> parse_command_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                                      void (*print_usage)(std::ostream&), std::ostream& out, std::ostream& err,
                                      ParsedArgs* parsed);

// A size in bytes as the flags take it: digits, optionally with a Ki/Mi/Gi
// suffix ("536870912", "512Mi", "1Gi"). False when it is not one or overflows.
bool parse_byte_size(const std::string& text, uint64_t* out);

// Option lines for --help, aligned.
std::string format_options_help(const std::vector<OptionSpec>& specs);

}  // namespace tollgate::cli
