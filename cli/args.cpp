#include "cli/args.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>

namespace tollgate::cli {
namespace {

const OptionSpec* find_long(const std::vector<OptionSpec>& specs, const std::string& name) {
  for (const OptionSpec& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const OptionSpec* find_short(const std::vector<OptionSpec>& specs, char c) {
  for (const OptionSpec& s : specs) {
    if (s.short_name != 0 && s.short_name == c) return &s;
  }
  return nullptr;
}

bool valid_boolean(const std::string& v) { return v == "true" || v == "false" || v == "1" || v == "0"; }

}  // namespace

std::string ParsedArgs::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool ParsedArgs::flag(const std::string& name) const {
  std::string v = value(name, "false");
  return v == "true" || v == "1";
}

bool parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs, ParsedArgs* out,
                std::string* error) {
  *out = ParsedArgs();
  auto record = [&](const OptionSpec& spec, std::string value, const std::string& as_written) {
    auto& list = out->values_[spec.name];
    if (!list.empty() && !spec.repeatable) {
      *error = "option " + as_written + " given more than once";
      return false;
    }
    if (!spec.takes_value && !valid_boolean(value)) {
      *error = "option " + as_written + " takes true or false, not \"" + value + "\"";
      return false;
    }
    list.push_back(std::move(value));
    return true;
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out->positional.insert(out->positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      size_t eq = arg.find('=');
      std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const OptionSpec* spec = find_long(specs, name);
      if (spec == nullptr) {
        *error = "unknown option --" + name;
        return false;
      }
      std::string written = "--" + name;
      if (eq != std::string::npos) {
        if (!record(*spec, arg.substr(eq + 1), written)) return false;
      } else if (!spec->takes_value) {
        if (!record(*spec, "true", written)) return false;
      } else {
        if (i + 1 >= args.size()) {
          *error = "option " + written + " needs a value";
          return false;
        }
        if (!record(*spec, args[++i], written)) return false;
      }
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      const OptionSpec* spec = find_short(specs, arg[1]);
      std::string written = arg.substr(0, 2);
      if (spec == nullptr) {
        *error = "unknown option " + written;
        return false;
      }
      if (!spec->takes_value) {
        if (arg.size() > 2) {
          *error = "option " + written + " takes no value";
          return false;
        }
        if (!record(*spec, "true", written)) return false;
      } else if (arg.size() > 2) {
        std::string v = arg.substr(2);
        if (!v.empty() && v[0] == '=') v.erase(0, 1);
        if (!record(*spec, v, written)) return false;
      } else {
        if (i + 1 >= args.size()) {
          *error = "option " + written + " needs a value";
          return false;
        }
        if (!record(*spec, args[++i], written)) return false;
      }
      continue;
    }
    out->positional.push_back(arg);
  }
  return true;
}

std::optional<int> parse_command_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs,
                                      void (*print_usage)(std::ostream&), std::ostream& out, std::ostream& err,
                                      ParsedArgs* parsed) {
  std::string error;
  if (!parse_args(args, specs, parsed, &error)) {
    err << "Error: " << error << "\n";
    return 2;
  }
  if (parsed->flag("help")) {
    print_usage(out);
    return 0;
  }
  return std::nullopt;
}

std::string format_options_help(const std::vector<OptionSpec>& specs) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const OptionSpec& s : specs) {
    std::string head = s.short_name != 0 ? std::string("-") + s.short_name + ", " : "    ";
    head += "--" + s.name;
    if (s.takes_value) head += " " + (s.value_name.empty() ? std::string("VALUE") : s.value_name);
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    out += "  " + heads[i] + std::string(width - heads[i].size() + 2, ' ') + specs[i].help;
    if (specs[i].repeatable) out += " (repeatable)";
    out += "\n";
  }
  return out;
}

bool parse_byte_size(const std::string& text, uint64_t* out) {
  size_t digits = 0;
  uint64_t n = 0;
  for (; digits < text.size() && text[digits] >= '0' && text[digits] <= '9'; ++digits) {
    if (n > std::numeric_limits<uint64_t>::max() / 10) return false;
    n = n * 10 + static_cast<uint64_t>(text[digits] - '0');
  }
  if (digits == 0) return false;
  std::string suffix = text.substr(digits);
  int shift = suffix.empty() ? 0 : suffix == "Ki" ? 10 : suffix == "Mi" ? 20 : suffix == "Gi" ? 30 : -1;
  if (shift < 0 || n > (std::numeric_limits<uint64_t>::max() >> shift)) return false;
  *out = n << shift;
  return true;
}

}  // namespace tollgate::cli
