#include "webhook/admission_codec.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rules/value/base64.h"

using tollgate::policies::Decision;
using namespace tollgate::webhook;

namespace {

std::string review_json(std::string_view api_version, std::string_view uid_member = R"("uid":"705ab4f5-6393-11e8-b7cc-42010a800002",)") {
  return std::string(R"({"apiVersion":")") + std::string(api_version) + R"(","kind":"AdmissionReview","request":{)" +
         std::string(uid_member) +
         R"("kind":{"group":"","version":"v1","kind":"Namespace"},"operation":"CREATE","name":"team-a",)"
         R"("object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}}})";
}

AdmissionReviewRequest decoded(const std::string& body) {
  AdmissionReviewRequest review;
  std::string error;
  REQUIRE(decode_admission_review(body, &review, &error));
  return review;
}

std::string decode_error(std::string_view body) {
  AdmissionReviewRequest review;
  std::string error;
  REQUIRE_FALSE(decode_admission_review(body, &review, &error));
  return error;
}

}  // namespace

TEST_CASE("decodes an admission.k8s.io/v1 AdmissionReview", "[admission_codec]") {
  AdmissionReviewRequest review = decoded(review_json("admission.k8s.io/v1"));
  CHECK(review.api_version == "admission.k8s.io/v1");
  CHECK(review.uid == "705ab4f5-6393-11e8-b7cc-42010a800002");
  CHECK(review.request["kind"]["kind"].string_or("") == "Namespace");
  CHECK(review.request["object"]["metadata"]["name"].string_or("") == "team-a");
  CHECK_FALSE(review.dry_run);
}

TEST_CASE("decodes a v1beta1 AdmissionReview and a dry run", "[admission_codec]") {
  std::string body = review_json("admission.k8s.io/v1beta1", R"("uid":"u-1","dryRun":true,)");
  AdmissionReviewRequest review = decoded(body);
  CHECK(review.api_version == "admission.k8s.io/v1beta1");
  CHECK(review.uid == "u-1");
  CHECK(review.dry_run);
}

TEST_CASE("refuses bodies that are not AdmissionReviews, saying why", "[admission_codec]") {
  CHECK_THAT(decode_error(""), Catch::Contains("empty"));
  CHECK_THAT(decode_error(R"({"apiVersion":)"), Catch::Contains("not valid JSON"));
  CHECK_THAT(decode_error("[1,2]"), Catch::Contains("expected a JSON object"));
  CHECK_THAT(decode_error(review_json("admission.k8s.io/v2")),
             Catch::Contains("apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"admission.k8s.io/v2\""));
  CHECK_THAT(decode_error(R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"x"}})"),
             Catch::Contains("kind must be AdmissionReview, got \"Pod\""));
  CHECK_THAT(decode_error(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})"),
             Catch::Contains("no request"));
  CHECK_THAT(decode_error(review_json("admission.k8s.io/v1", "")), Catch::Contains("no uid"));
  CHECK_THAT(decode_error(review_json("admission.k8s.io/v1", R"("uid":42,)")), Catch::Contains("no uid"));
}

TEST_CASE("a denial is allowed:false with 403 Forbidden, the deny lines and the warnings", "[admission_codec]") {
  Decision decision;
  decision.allowed = false;
  decision.code = 403;
  decision.reason = "Forbidden";
  decision.message = "[all-must-have-owner] you must provide labels: {\"owner\"}\n[second] \"quoted\"";
  decision.warnings = {"[soft] consider a team label"};
  auto response = nlohmann::json::parse(encode_validation_response(decoded(review_json("admission.k8s.io/v1")), decision));
  CHECK(response["apiVersion"] == "admission.k8s.io/v1");
  CHECK(response["kind"] == "AdmissionReview");
  CHECK(response["response"]["uid"] == "705ab4f5-6393-11e8-b7cc-42010a800002");
  CHECK(response["response"]["allowed"] == false);
  CHECK(response["response"]["status"]["code"] == 403);
  CHECK(response["response"]["status"]["reason"] == "Forbidden");
  CHECK(response["response"]["status"]["message"] == decision.message);
  CHECK(response["response"]["warnings"] == nlohmann::json::array({"[soft] consider a team label"}));
}

TEST_CASE("warn-only and clean decisions are allowed, the apiVersion is echoed", "[admission_codec]") {
  AdmissionReviewRequest review = decoded(review_json("admission.k8s.io/v1beta1"));
  Decision warned;
  warned.code = 299;
  warned.warnings = {"[w] a warning"};
  auto with_warnings = nlohmann::json::parse(encode_validation_response(review, warned));
  CHECK(with_warnings["apiVersion"] == "admission.k8s.io/v1beta1");
  CHECK(with_warnings["response"]["allowed"] == true);
  CHECK(with_warnings["response"]["status"] == nlohmann::json{{"code", 299}});
  CHECK(with_warnings["response"]["warnings"].size() == 1);

  auto clean = nlohmann::json::parse(encode_validation_response(review, Decision{}));
  CHECK(clean["response"]["allowed"] == true);
  CHECK(clean["response"]["status"] == nlohmann::json{{"code", 200}});
  CHECK_FALSE(clean["response"].contains("warnings"));
}

TEST_CASE("mutation responses allow, with a base64 JSONPatch only when there is one", "[admission_codec]") {
  AdmissionReviewRequest review = decoded(review_json("admission.k8s.io/v1"));
  auto unchanged = nlohmann::json::parse(encode_mutation_response(review));
  CHECK(unchanged["response"]["uid"] == review.uid);
  CHECK(unchanged["response"]["allowed"] == true);
  CHECK_FALSE(unchanged["response"].contains("patch"));
  CHECK(unchanged["response"]["status"] == nlohmann::json{{"code", 200}});
  auto with_message = nlohmann::json::parse(encode_mutation_response(review, {}, "Resource was not mutated"));
  CHECK(with_message["response"]["status"] ==
        nlohmann::json({{"code", 200}, {"message", "Resource was not mutated"}}));

  std::string patch = R"([{"op":"add","path":"/metadata/labels","value":{"owner":"me"}}])";
  auto patched = nlohmann::json::parse(encode_mutation_response(review, patch));
  CHECK(patched["response"]["patchType"] == "JSONPatch");
  std::string decoded_patch;
  REQUIRE(tollgate::value::base64_decode(patched["response"]["patch"].get<std::string>(), &decoded_patch));
  CHECK(decoded_patch == patch);
}
