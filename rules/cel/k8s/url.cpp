#include "rules/cel/k8s/url.h"

#include <algorithm>

#include "rules/cel/k8s/ip.h"
#include "rules/value/go_quote.h"

namespace tollgate::cel::k8s {

using value::go_quote;

namespace {

enum class Encoding { Path, PathSegment, Host, Zone, UserPassword, QueryComponent, Fragment };

bool is_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// net/url shouldEscape.
bool should_escape(unsigned char c, Encoding mode) {
  if (is_alnum(c)) return false;
  if (mode == Encoding::Host || mode == Encoding::Zone) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
      case '=': case ':': case '[': case ']': case '<': case '>': case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-': case '_': case '.': case '~':
      return false;
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '?': case '@':
      switch (mode) {
        case Encoding::Path: return c == '?';
        case Encoding::PathSegment: return c == '/' || c == ';' || c == ',' || c == '?';
        case Encoding::UserPassword: return c == '@' || c == '/' || c == '?' || c == ':';
        case Encoding::QueryComponent: return true;
        case Encoding::Fragment: return false;
        default: break;
      }
      break;
    default:
      break;
  }
  if (mode == Encoding::Fragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
  return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

unsigned char unhex(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned char>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned char>(c - 'a' + 10);
  return static_cast<unsigned char>(c - 'A' + 10);
}

std::optional<std::string> unescape(std::string_view s, Encoding mode, std::string* error) {
  auto escape_error = [&](std::string_view bad) {
    *error = "invalid URL escape " + go_quote(bad);
    return std::nullopt;
  };
  size_t percents = 0;
  bool has_plus = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      ++percents;
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return escape_error(s.substr(i, 3));
      if (mode == Encoding::Host && unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25") return escape_error(s.substr(i, 3));
      if (mode == Encoding::Zone) {
        unsigned char v = static_cast<unsigned char>(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
        if (s.substr(i, 3) != "%25" && v != ' ' && should_escape(v, Encoding::Host)) return escape_error(s.substr(i, 3));
      }
      i += 3;
    } else if (c == '+') {
      has_plus = mode == Encoding::QueryComponent;
      ++i;
    } else {
      if ((mode == Encoding::Host || mode == Encoding::Zone) && c < 0x80 && should_escape(c, mode)) {
        *error = "invalid character " + go_quote(s.substr(i, 1)) + " in host name";
        return std::nullopt;
      }
      ++i;
    }
  }
  if (percents == 0 && !has_plus) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      out.push_back(static_cast<char>(unhex(s[i + 1]) << 4 | unhex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(mode == Encoding::QueryComponent ? ' ' : '+');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string escape(std::string_view s, Encoding mode) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == ' ' && mode == Encoding::QueryComponent) {
      out.push_back('+');
    } else if (should_escape(c, mode)) {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool valid_encoded(std::string_view s, Encoding mode) {
  for (char ch : s) {
    switch (ch) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
      case '=': case ':': case '@': case '[': case ']': case '%':
        break;
      default:
        if (should_escape(static_cast<unsigned char>(ch), mode)) return false;
    }
  }
  return true;
}

bool valid_optional_port(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  return std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_userinfo(std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (is_alnum(c)) continue;
    switch (c) {
      case '-': case '.': case '_': case ':': case '~': case '!': case '$': case '&': case '\'': case '(':
      case ')': case '*': case '+': case ',': case ';': case '=': case '%': case '@':
        continue;
      default:
        return false;  // includes every non-ASCII byte, as Go's rune loop does
    }
  }
  return true;
}

std::optional<std::string> parse_host(std::string_view scheme, std::string_view host, std::string* error) {
  size_t open = host.rfind('[');
  if (open != std::string_view::npos && open > 0) {
    *error = "invalid IP-literal";
    return std::nullopt;
  }
  if (open == 0) {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) {
      *error = "missing ']' in host";
      return std::nullopt;
    }
    std::string_view colon_port = host.substr(close + 1);
    if (!valid_optional_port(colon_port)) {
      *error = "invalid port " + go_quote(colon_port) + " after host";
      return std::nullopt;
    }
    auto port = unescape(colon_port, Encoding::Host, error);
    if (!port) return std::nullopt;
    std::string_view name = host.substr(1, close - 1);
    std::string unescaped;
    size_t zone = name.find("%25");
    if (zone != std::string_view::npos) {
      auto host_part = unescape(name.substr(0, zone), Encoding::Host, error);
      if (!host_part) return std::nullopt;
      auto zone_part = unescape(name.substr(zone), Encoding::Zone, error);
      if (!zone_part) return std::nullopt;
      unescaped = *host_part + *zone_part;
    } else {
      auto plain = unescape(name, Encoding::Host, error);
      if (!plain) return std::nullopt;
      unescaped = *plain;
    }
    // Only IPv6 addresses may be bracketed.
    std::string ip_zone;
    std::string ip_error;
    auto addr = IPAddress::parse_netip(unescaped, &ip_zone, &ip_error);
    if (!addr) {
      *error = "invalid host: " + ip_error;
      return std::nullopt;
    }
    if (addr->is_v4()) {
      *error = "invalid IP-literal";
      return std::nullopt;
    }
    return "[" + unescaped + "]" + *port;
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    size_t last_colon = host.rfind(':');
    // Only http and https are strict about colons inside the host.
    if (last_colon != colon && scheme != "http" && scheme != "https") colon = last_colon;
    std::string_view colon_port = host.substr(colon);
    if (!valid_optional_port(colon_port)) {
      *error = "invalid port " + go_quote(colon_port) + " after host";
      return std::nullopt;
    }
  }
  return unescape(host, Encoding::Host, error);
}

bool parse_authority(URL* url, std::string_view authority, std::string* error) {
  size_t at = authority.rfind('@');
  auto host = parse_host(url->scheme, at == std::string_view::npos ? authority : authority.substr(at + 1), error);
  if (!host) return false;
  url->host = *host;
  if (at == std::string_view::npos) return true;
  std::string_view userinfo = authority.substr(0, at);
  if (!valid_userinfo(userinfo)) {
    *error = "net/url: invalid userinfo";
    return false;
  }
  url->has_user = true;
  size_t colon = userinfo.find(':');
  auto username = unescape(userinfo.substr(0, colon), Encoding::UserPassword, error);
  if (!username) return false;
  url->username = *username;
  if (colon != std::string_view::npos) {
    auto password = unescape(userinfo.substr(colon + 1), Encoding::UserPassword, error);
    if (!password) return false;
    url->password = *password;
    url->has_password = true;
  }
  return true;
}

bool set_path(URL* url, std::string_view p, std::string* error) {
  auto path = unescape(p, Encoding::Path, error);
  if (!path) return false;
  url->path = *path;
  url->raw_path = escape(*path, Encoding::Path) == p ? "" : std::string(p);
  return true;
}

// net/url's parse(rawURL, viaRequest); the error is the bare cause.
std::optional<URL> parse(std::string_view raw, bool via_request, std::string* error) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      *error = "net/url: invalid control character in URL";
      return std::nullopt;
    }
  }
  if (raw.empty() && via_request) {
    *error = "empty url";
    return std::nullopt;
  }
  URL url;
  if (raw == "*") {
    url.path = "*";
    return url;
  }
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) {
        *error = "missing protocol scheme";
        return std::nullopt;
      }
      url.scheme = std::string(raw.substr(0, i));
      rest = raw.substr(i + 1);
    }
    break;
  }
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; });

  if (!rest.empty() && rest.back() == '?' && std::count(rest.begin(), rest.end(), '?') == 1) {
    url.force_query = true;
    rest.remove_suffix(1);
  } else if (size_t q = rest.find('?'); q != std::string_view::npos) {
    url.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }

  if (!rest.starts_with('/')) {
    if (!url.scheme.empty()) {
      url.opaque = std::string(rest);
      return url;
    }
    if (via_request) {
      *error = "invalid URI for request";
      return std::nullopt;
    }
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos) {
      *error = "first path segment in URL cannot contain colon";
      return std::nullopt;
    }
  }

  if ((!url.scheme.empty() || (!via_request && !rest.starts_with("///"))) && rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    rest = {};
    if (size_t slash = authority.find('/'); slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    if (!parse_authority(&url, authority, error)) return std::nullopt;
  } else if (!url.scheme.empty() && rest.starts_with('/')) {
    url.omit_host = true;
  }
  if (!set_path(&url, rest, error)) return std::nullopt;
  return url;
}

std::string parse_error(std::string_view raw, const std::string& cause) {
  return "parse " + go_quote(raw) + ": " + cause;
}

}  // namespace

std::optional<URL> go_parse_request_uri(std::string_view raw, std::string* error) {
  std::string cause;
  auto url = parse(raw, true, &cause);
  if (!url && error != nullptr) *error = parse_error(raw, cause);
  return url;
}

std::optional<URL> go_parse_url(std::string_view raw, std::string* error) {
  size_t hash = raw.find('#');
  std::string_view without_fragment = raw.substr(0, hash);
  std::string cause;
  auto url = parse(without_fragment, false, &cause);
  if (!url) {
    if (error != nullptr) *error = parse_error(without_fragment, cause);
    return std::nullopt;
  }
  if (hash == std::string_view::npos || hash + 1 == raw.size()) return url;
  std::string_view raw_fragment = raw.substr(hash + 1);
  auto fragment = unescape(raw_fragment, Encoding::Fragment, &cause);
  if (!fragment) {
    if (error != nullptr) *error = parse_error(raw, cause);
    return std::nullopt;
  }
  url->fragment = *fragment;
  url->raw_fragment = escape(*fragment, Encoding::Fragment) == raw_fragment ? "" : std::string(raw_fragment);
  return url;
}

std::optional<URL> parse_kubernetes_url(std::string_view raw, std::string* error) {
  std::string cause;
  // ParseRequestURI decides validity; Parse builds the value because it
  // splits off a fragment instead of folding it into the path or query.
  std::optional<URL> url;
  if (go_parse_request_uri(raw, &cause)) url = go_parse_url(raw, &cause);
  if (!url && error != nullptr) *error = "URL parse error during conversion from string: " + cause;
  return url;
}

std::string URL::hostname() const {
  std::string_view h = host;
  size_t colon = h.rfind(':');
  if (colon != std::string_view::npos && valid_optional_port(h.substr(colon))) h = h.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return std::string(h);
}

std::string URL::port() const {
  std::string_view h = host;
  size_t colon = h.rfind(':');
  if (colon != std::string_view::npos && valid_optional_port(h.substr(colon))) return std::string(h.substr(colon + 1));
  return "";
}

std::string URL::escaped_path() const {
  if (!raw_path.empty() && valid_encoded(raw_path, Encoding::Path)) {
    std::string ignored;
    auto p = unescape(raw_path, Encoding::Path, &ignored);
    if (p && *p == path) return raw_path;
  }
  if (path == "*") return "*";
  return escape(path, Encoding::Path);
}

std::map<std::string, std::vector<std::string>> URL::query() const {
  std::map<std::string, std::vector<std::string>> out;
  std::string_view rest = raw_query;
  std::string ignored;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos || pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = unescape(pair.substr(0, eq), Encoding::QueryComponent, &ignored);
    if (!key) continue;
    auto value = unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                          Encoding::QueryComponent, &ignored);
    if (!value) continue;
    out[*key].push_back(*value);
  }
  return out;
}

std::string URL::to_string() const {
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (!opaque.empty()) {
    out += opaque;
  } else {
    if (!scheme.empty() || !host.empty() || has_user) {
      if (!(omit_host && host.empty() && !has_user)) {
        if (!host.empty() || !path.empty() || has_user) out += "//";
        if (has_user) {
          out += escape(username, Encoding::UserPassword);
          if (has_password) {
            out += ':';
            out += escape(password, Encoding::UserPassword);
          }
          out += "@";
        }
        if (!host.empty()) out += escape(host, Encoding::Host);
      }
    }
    std::string p = escaped_path();
    if (!p.empty() && p[0] != '/' && !host.empty()) out += '/';
    if (out.empty()) {
      std::string_view segment = std::string_view(p).substr(0, p.find('/'));
      if (segment.find(':') != std::string_view::npos) out += "./";
    }
    out += p;
  }
  if (force_query || !raw_query.empty()) out += "?" + raw_query;
  if (!fragment.empty()) {
    out += '#';
    bool raw_ok = false;
    if (!raw_fragment.empty() && valid_encoded(raw_fragment, Encoding::Fragment)) {
      std::string ignored;
      auto f = unescape(raw_fragment, Encoding::Fragment, &ignored);
      raw_ok = f && *f == fragment;
    }
    out += raw_ok ? raw_fragment : escape(fragment, Encoding::Fragment);
  }
  return out;
}

}  // namespace tollgate::cel::k8s
