#include "rules/cel/k8s/format.h"

#include <re2/re2.h>

#include <iterator>

#include "rules/cel/k8s/url.h"

namespace tollgate::cel::k8s {
namespace {

constexpr std::string_view kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1123LabelErrMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character";
constexpr std::string_view kDns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1035LabelErrMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character";
constexpr std::string_view kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kLabelKeyErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character";
constexpr size_t kDns1123LabelMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;
constexpr size_t kDns1035LabelMaxLength = 63;
constexpr size_t kLabelKeyMaxLength = 63;
constexpr size_t kLabelValueMaxLength = 63;

// Go's regexp.MustCompile("^" + fmt + "$"); each compiled once.
std::string anchored(std::string_view fmt) {
  std::string out = "^";
  out.append(fmt);
  out += '$';
  return out;
}
const RE2& dns1123_label_re() { static const RE2 re(anchored(kDns1123LabelFmt)); return re; }
const RE2& dns1123_subdomain_re() { static const RE2 re(anchored(kDns1123SubdomainFmt)); return re; }
const RE2& dns1035_label_re() { static const RE2 re(anchored(kDns1035LabelFmt)); return re; }
const RE2& label_key_re() { static const RE2 re(anchored(kLabelKeyFmt)); return re; }
const RE2& label_value_re() { static const RE2 re(anchored(kLabelValueFmt)); return re; }

bool matches(const RE2& re, std::string_view value) { return RE2::PartialMatch(value, re); }

std::string max_len_error(size_t length) { return "must be no more than " + std::to_string(length) + " characters"; }

std::string regex_error(std::string_view msg, std::string_view fmt, std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  if (examples.size() == 0) return out + " (regex used for validation is '" + std::string(fmt) + "')";
  out += " (e.g. ";
  size_t i = 0;
  for (auto example : examples) {
    if (i++ > 0) out += " or ";
    out += '\'';
    out.append(example);
    out += "', ";
  }
  out += "regex used for validation is '" + std::string(fmt) + "')";
  return out;
}

// apimachinery's maskTrailingDash, quirk included: it drops the last two
// characters before appending "a".
std::string mask_trailing_dash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') return std::string(name.substr(0, name.size() - 2)) + "a";
  return std::string(name);
}

const RE2& uuid_regex() {
  static const RE2 re("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
  return re;
}

const RE2& base64_regex() {
  // govalidator.Base64, which kube-openapi uses for the "byte" format.
  static const RE2 re(
      "^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=|[A-Za-z0-9+\\/]{4})$");
  return re;
}

const RE2& time_of_day_regex() {
  // go-openapi's DateTimePattern, matched against the lower-cased time part.
  static const RE2 re("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
  return re;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// time.Parse("2006-01-02", s) == nil.
bool is_full_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(s[i])) return false;
  }
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day >= 1 && day <= days;
}

// strfmt.IsDateTime.
bool is_date_time(std::string_view str) {
  if (str.size() < 4) return false;
  std::string lower(str);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  // strings.Split(s, "t"): only the first two pieces are looked at.
  size_t t = lower.find('t');
  if (t == std::string::npos) return false;
  std::string_view date = std::string_view(lower).substr(0, t);
  std::string_view rest = std::string_view(lower).substr(t + 1);
  std::string_view time = rest.substr(0, rest.find('t'));
  if (!is_full_date(date)) return false;
  std::string hour, minute, second;
  if (!RE2::PartialMatch(time, time_of_day_regex(), &hour, &minute, &second)) return false;
  return hour <= "23" && minute <= "59" && second <= "59";
}

std::vector<std::string> dns1123_label_name(std::string_view s) { return is_dns1123_label(s); }
std::vector<std::string> dns1123_subdomain_name(std::string_view s) { return is_dns1123_subdomain(s); }
std::vector<std::string> dns1035_label_name(std::string_view s) { return is_dns1035_label(s); }
std::vector<std::string> dns1123_label_prefix(std::string_view s) { return is_dns1123_label(mask_trailing_dash(s)); }
std::vector<std::string> dns1123_subdomain_prefix(std::string_view s) {
  return is_dns1123_subdomain(mask_trailing_dash(s));
}
std::vector<std::string> dns1035_label_prefix(std::string_view s) { return is_dns1035_label(mask_trailing_dash(s)); }

std::vector<std::string> validate_uri(std::string_view s) {
  std::string error;
  if (!go_parse_request_uri(s, &error)) return {error};
  return {};
}

std::vector<std::string> validate_uuid(std::string_view s) {
  if (!matches(uuid_regex(), s)) return {"does not match the UUID format"};
  return {};
}

std::vector<std::string> validate_byte(std::string_view s) {
  if (!matches(base64_regex(), s)) return {"invalid base64"};
  return {};
}

std::vector<std::string> validate_date(std::string_view s) {
  if (!is_full_date(s)) return {"invalid date"};
  return {};
}

std::vector<std::string> validate_datetime(std::string_view s) {
  if (!is_date_time(s)) return {"invalid datetime"};
  return {};
}

constexpr NamedFormat kFormats[] = {
    {"dns1123Label", "DNS1123Label", dns1123_label_name},
    {"dns1123Subdomain", "DNS1123Subdomain", dns1123_subdomain_name},
    {"dns1035Label", "DNS1035Label", dns1035_label_name},
    {"qualifiedName", "QualifiedName", is_qualified_name},
    {"dns1123LabelPrefix", "DNS1123LabelPrefix", dns1123_label_prefix},
    {"dns1123SubdomainPrefix", "DNS1123SubdomainPrefix", dns1123_subdomain_prefix},
    {"dns1035LabelPrefix", "DNS1035LabelPrefix", dns1035_label_prefix},
    {"labelValue", "LabelValue", is_label_value},
    {"uri", "URI", validate_uri},
    {"uuid", "uuid", validate_uuid},
    {"byte", "byte", validate_byte},
    {"date", "date", validate_date},
    {"datetime", "datetime", validate_datetime},
};
static_assert(std::size(kFormats) == kNamedFormatCount);

}  // namespace

std::vector<std::string> is_dns1123_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123LabelMaxLength) errs.push_back(max_len_error(kDns1123LabelMaxLength));
  if (!matches(dns1123_label_re(), value)) {
    if (matches(dns1123_subdomain_re(), value)) {
      errs.emplace_back("must not contain dots");
    } else {
      errs.push_back(regex_error(kDns1123LabelErrMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

std::vector<std::string> is_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123SubdomainMaxLength) errs.push_back(max_len_error(kDns1123SubdomainMaxLength));
  if (!matches(dns1123_subdomain_re(), value)) {
    errs.push_back(regex_error(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> is_dns1035_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1035LabelMaxLength) errs.push_back(max_len_error(kDns1035LabelMaxLength));
  if (!matches(dns1035_label_re(), value)) {
    errs.push_back(regex_error(kDns1035LabelErrMsg, kDns1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

std::vector<std::string> is_qualified_name(std::string_view value) {
  std::vector<std::string> errs;
  std::vector<std::string_view> parts;
  for (std::string_view rest = value;;) {
    size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  std::string_view name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    std::string_view prefix = parts[0];
    name = parts[1];
    if (prefix.empty()) {
      errs.emplace_back("prefix part must be non-empty");
    } else {
      for (auto& msg : is_dns1123_subdomain(prefix)) errs.push_back("prefix part " + msg);
    }
  } else {
    errs.push_back("a qualified name " +
                   regex_error(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}) +
                   " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) {
    errs.emplace_back("name part must be non-empty");
  } else if (name.size() > kLabelKeyMaxLength) {
    errs.push_back("name part " + max_len_error(kLabelKeyMaxLength));
  }
  if (!matches(label_key_re(), name)) {
    errs.push_back("name part " + regex_error(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> is_label_value(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) errs.push_back(max_len_error(kLabelValueMaxLength));
  if (!matches(label_value_re(), value)) {
    errs.push_back(regex_error(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

const NamedFormat* NamedFormat::find(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

std::span<const NamedFormat> NamedFormat::all() { return kFormats; }

}  // namespace tollgate::cel::k8s
