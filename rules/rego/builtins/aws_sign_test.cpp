#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

const Value kConfig = json(R"({"aws_access_key": "MYAWSACCESSKEYGOESHERE",
  "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE", "aws_service": "s3", "aws_region": "us-east-1"})");
// 2015-12-28T14:08:25Z
const Value kTime = json("1451311705000000000");

std::string error_text(const char* request, const Value& config, const Value& time = kTime) {
  return call_error("providers.aws.sign_req", {json(request), config, time}).what();
}

TEST_CASE("providers.aws.sign_req adds SigV4 headers (OPA's own example signature)", "[builtins]") {
  const Value signed_req =
      call("providers.aws.sign_req", {json(R"({"method": "get", "url": "http://example.com"})"), kConfig, kTime});
  CHECK(signed_req == json(R"({"method": "get", "url": "http://example.com", "headers": {
    "Authorization": "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3",
    "host": "example.com",
    "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-amz-date": "20151228T140825Z"}})"));
}

TEST_CASE("providers.aws.sign_req signs the request's own headers and can leave the payload unsigned",
          "[builtins]") {
  std::vector<Value::Entry> entries = kConfig.entries();
  entries.emplace_back(Value::string("disable_payload_signing"), Value::boolean(true));
  const Value out = call("providers.aws.sign_req",
                         {json(R"({"method": "get", "url": "https://example.com", "headers": {"foo": "bar"}})"),
                          Value::object(entries), kTime});
  CHECK(out["headers"]["foo"] == json(R"("bar")"));
  CHECK(out["headers"]["x-amz-content-sha256"] == json(R"("UNSIGNED-PAYLOAD")"));
  CHECK(out["headers"]["Authorization"].as_string().find(
            "SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature="
            "c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028") != std::string::npos);
}

TEST_CASE("providers.aws.sign_req names missing or invalid request and config keys", "[builtins]") {
  CHECK(error_text("{}", kConfig) == "operand 1 missing required request parameters(s): {\"method\", \"url\"}");
  CHECK(error_text(R"({"method": 1, "url": 2})", kConfig) ==
        "operand 1 invalid values for required request parameters(s): {\"method\", \"url\"}");
  CHECK(error_text(R"({"method": "get", "url": "u", "bad": 1})", kConfig) ==
        "operand 1 invalid request parameters(s): {\"bad\"}");
  CHECK(error_text(R"({"method": "get", "url": "u"})", json("{}")) ==
        "operand 2 missing required AWS config parameters(s): {\"aws_access_key\", \"aws_region\", "
        "\"aws_secret_access_key\", \"aws_service\"}");
  CHECK(error_text(R"({"method": "get", "url": "u"})", kConfig, json("1.5")) ==
        "operand 3 could not convert time_ns value into a unix timestamp");
}

}  // namespace
}  // namespace tollgate::rego
