#include "policies/match/label_selector.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using tollgate::policies::LabelSelector;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

namespace {

LabelSelector selector(std::string_view text) {
  LabelSelector::ParseError err;
  auto s = LabelSelector::parse(yaml(text), &err);
  INFO(err.message);
  REQUIRE(s.has_value());
  return *s;
}

std::string parse_error(std::string_view text) {
  LabelSelector::ParseError err;
  auto s = LabelSelector::parse(yaml(text), &err);
  REQUIRE_FALSE(s.has_value());
  return err.pointer + " " + err.message;
}

}  // namespace

TEST_CASE("label selector: empty selector matches everything", "[label_selector]") {
  LabelSelector s = selector("{}");
  CHECK(s.matches(nullptr));
  Value labels = yaml("a: b");
  CHECK(s.matches(&labels));
}

TEST_CASE("label selector: matchLabels requires every key with the same value", "[label_selector]") {
  LabelSelector s = selector("matchLabels: {app: web, tier: front}");
  Value both = yaml("{app: web, tier: front, x: y}");
  Value wrong = yaml("{app: web, tier: back}");
  Value missing = yaml("{app: web}");
  CHECK(s.matches(&both));
  CHECK_FALSE(s.matches(&wrong));
  CHECK_FALSE(s.matches(&missing));
  CHECK_FALSE(s.matches(nullptr));
}

TEST_CASE("label selector: matchExpressions operators", "[label_selector]") {
  Value prod = yaml("{env: prod}");
  Value dev = yaml("{env: dev}");
  Value none = yaml("{}");

  LabelSelector in = selector("matchExpressions: [{key: env, operator: In, values: [prod, staging]}]");
  CHECK(in.matches(&prod));
  CHECK_FALSE(in.matches(&dev));
  CHECK_FALSE(in.matches(&none));

  LabelSelector not_in = selector("matchExpressions: [{key: env, operator: NotIn, values: [prod]}]");
  CHECK_FALSE(not_in.matches(&prod));
  CHECK(not_in.matches(&dev));
  CHECK(not_in.matches(&none));  // absent key satisfies NotIn

  LabelSelector exists = selector("matchExpressions: [{key: env, operator: Exists}]");
  CHECK(exists.matches(&dev));
  CHECK_FALSE(exists.matches(&none));

  LabelSelector absent = selector("matchExpressions: [{key: env, operator: DoesNotExist}]");
  CHECK_FALSE(absent.matches(&dev));
  CHECK(absent.matches(&none));
}

TEST_CASE("label selector: matchLabels and matchExpressions are AND-ed", "[label_selector]") {
  LabelSelector s = selector(R"(
matchLabels: {app: web}
matchExpressions: [{key: env, operator: NotIn, values: [prod]}]
)");
  Value ok = yaml("{app: web, env: dev}");
  Value prod = yaml("{app: web, env: prod}");
  CHECK(s.matches(&ok));
  CHECK_FALSE(s.matches(&prod));
}

TEST_CASE("label selector: invalid selectors are rejected with the offending field", "[label_selector]") {
  CHECK_THAT(parse_error("matchExpressions: [{key: a, operator: Equals, values: [x]}]"),
             Catch::Contains("/matchExpressions/0/operator") && Catch::Contains("not a valid label selector operator"));
  CHECK_THAT(parse_error("matchExpressions: [{key: a, operator: In}]"),
             Catch::Contains("values set can't be empty"));
  CHECK_THAT(parse_error("matchExpressions: [{key: a, operator: Exists, values: [x]}]"),
             Catch::Contains("values set must be empty"));
  CHECK_THAT(parse_error("matchLabels: {'bad key!': x}"), Catch::Contains("invalid label key"));
  CHECK_THAT(parse_error("matchLabels: {app: 'not valid!'}"), Catch::Contains("invalid label value"));
  CHECK_THAT(parse_error("matchLabels: {'Example.com/app': x}"), Catch::Contains("prefix part"));
}

TEST_CASE("label selector: qualified keys with a DNS prefix are valid", "[label_selector]") {
  LabelSelector s = selector("matchLabels: {'app.kubernetes.io/name': web}");
  Value labels = yaml("{'app.kubernetes.io/name': web}");
  CHECK(s.matches(&labels));
}
