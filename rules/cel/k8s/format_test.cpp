#include "rules/cel/k8s/format.h"

#include <catch2/catch.hpp>

using tollgate::cel::k8s::NamedFormat;

namespace {

std::vector<std::string> validate(const char* format, std::string_view value) {
  const NamedFormat* f = NamedFormat::find(format);
  INFO("format " << format);
  REQUIRE(f != nullptr);
  return f->validate(value);
}

using Messages = std::vector<std::string>;

const std::string kLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const std::string kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kDns1035Msg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
    "is '[a-z]([-a-z0-9]*[a-z0-9])?')";

}  // namespace

TEST_CASE("format: every library name is known, nothing else", "[k8s][format]") {
  for (const char* name : {"dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "dns1123LabelPrefix",
                           "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date",
                           "datetime"}) {
    INFO(name);
    REQUIRE(NamedFormat::find(name) != nullptr);
    CHECK(NamedFormat::find(name)->name() == name);
  }
  CHECK(NamedFormat::all().size() == 13);
  CHECK(NamedFormat::find("unknown") == nullptr);
  CHECK(NamedFormat::find("DNS1123Label") == nullptr);
}

TEST_CASE("format: DNS names with apimachinery's messages", "[k8s][format]") {
  CHECK(validate("dns1123Label", "my-label-name").empty());
  CHECK(validate("dns1123Label", "contains a space") == Messages{kLabelMsg});
  CHECK(validate("dns1123Label", "Not_Valid") == Messages{kLabelMsg});
  CHECK(validate("dns1123Label", "a.b") == Messages{"must not contain dots"});
  CHECK(validate("dns1123Label", std::string(64, 'a')) == Messages{"must be no more than 63 characters"});
  CHECK(validate("dns1123Label", std::string(64, 'A')) ==
        Messages{"must be no more than 63 characters", kLabelMsg});
  CHECK(validate("dns1123Label", "").size() == 1);
  CHECK(validate("dns1123Subdomain", "example.com").empty());
  CHECK(validate("dns1123Subdomain", "contains a space") == Messages{kSubdomainMsg});
  CHECK(validate("dns1123Subdomain", std::string(254, 'a')) == Messages{"must be no more than 253 characters"});
  CHECK(validate("dns1035Label", "my-label-name").empty());
  CHECK(validate("dns1035Label", "1abc") == Messages{kDns1035Msg});
  CHECK(validate("dns1035Label", "contains a space") == Messages{kDns1035Msg});
}

TEST_CASE("format: prefixes may end with a dash", "[k8s][format]") {
  CHECK(validate("dns1123LabelPrefix", "my-label-prefix-").empty());
  CHECK(validate("dns1123SubdomainPrefix", "mysubdomain.prefix.-").empty());
  CHECK(validate("dns1035LabelPrefix", "my-label-prefix-").empty());
  CHECK(validate("dns1123LabelPrefix", "contains a space-") == Messages{kLabelMsg});
  CHECK(validate("dns1123SubdomainPrefix", "contains a space-") == Messages{kSubdomainMsg});
  CHECK(validate("dns1035LabelPrefix", "contains a space-") == Messages{kDns1035Msg});
  CHECK(validate("dns1123LabelPrefix", "-") == Messages{kLabelMsg});  // a lone dash is not masked
  CHECK_FALSE(validate("dns1123Label", "my-label-prefix-").empty());
}

TEST_CASE("format: qualified names and label values", "[k8s][format]") {
  const std::string name_msg =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  CHECK(validate("qualifiedName", "my.name").empty());
  CHECK(validate("qualifiedName", "apiextensions.k8s.io/v1beta1").empty());
  CHECK(validate("qualifiedName", "contains a space") == Messages{name_msg});
  CHECK(validate("qualifiedName", "/name") == Messages{"prefix part must be non-empty"});
  CHECK(validate("qualifiedName", "example.com/") == Messages{"name part must be non-empty", name_msg});
  CHECK(validate("qualifiedName", "Example.com/name") == Messages{"prefix part " + kSubdomainMsg});
  CHECK(validate("qualifiedName", "a/b/c") ==
        Messages{"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                 "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                 "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
                 "and '/' (e.g. 'example.com/MyName')"});
  CHECK(validate("qualifiedName", std::string(64, 'a')) == Messages{"name part must be no more than 63 characters"});

  CHECK(validate("labelValue", "my-cool-label-Value").empty());
  CHECK(validate("labelValue", "").empty());
  CHECK(validate("labelValue", "my-cool-label-Value!!\n\n!!!") ==
        Messages{"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                 "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"});
}

TEST_CASE("format: OpenAPI formats", "[k8s][format]") {
  CHECK(validate("uri", "http://example.com").empty());
  CHECK(validate("uri", "/path").empty());
  CHECK(validate("uri", "example.com") == Messages{"parse \"example.com\": invalid URI for request"});

  CHECK(validate("uuid", "123e4567-e89b-12d3-a456-426614174000").empty());
  CHECK(validate("uuid", "123E4567E89B12D3A456426614174000").empty());
  CHECK(validate("uuid", "123e4567-e89b-12d3-a456-42661417400") == Messages{"does not match the UUID format"});

  CHECK(validate("byte", "aGVsbG8=").empty());
  CHECK(validate("byte", "aGVsbA==").empty());
  CHECK(validate("byte", "aGVsbG8") == Messages{"invalid base64"});
  CHECK(validate("byte", "") == Messages{"invalid base64"});

  CHECK(validate("date", "2020-01-01").empty());
  CHECK(validate("date", "2020-02-29").empty());
  CHECK(validate("date", "2021-02-29") == Messages{"invalid date"});
  CHECK(validate("date", "2020-01-32") == Messages{"invalid date"});
  CHECK(validate("date", "2020-13-01") == Messages{"invalid date"});
  CHECK(validate("date", "2020-1-01") == Messages{"invalid date"});
  CHECK(validate("date", "2020-01-01T00:00:00Z") == Messages{"invalid date"});

  CHECK(validate("datetime", "2020-01-01T00:00:00Z").empty());
  CHECK(validate("datetime", "2021-01-01t23:59:59.123+05:30").empty());
  CHECK(validate("datetime", "2020-01-32T00:00:00Z") == Messages{"invalid datetime"});
  CHECK(validate("datetime", "2020-01-01T24:00:00Z") == Messages{"invalid datetime"});
  CHECK(validate("datetime", "2020-01-01 00:00:00Z") == Messages{"invalid datetime"});
  CHECK(validate("datetime", "2020-01-01T00:00:00") == Messages{"invalid datetime"});
}
