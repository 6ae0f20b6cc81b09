// `tollgate audit -o html`: one self-contained page (nothing fetched at view
// time) with a summary per enforcement action and per constraint, tables of
// violations per namespace and per `team` label (or --group-by-label), and
// links between them that all land on an element of the page.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

std::set<std::string> captures(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

}  // namespace

TEST_CASE("the HTML audit report is self-contained, summarises and links every table", "[cli][audit][html]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "html"});
  CHECK(r.code == 1);
  const std::string& html = r.out;
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);

  // Summary per action and per constraint.
  CHECK_THAT(html, Catch::Contains("<tr><td><span class=\"action deny\">deny</span></td><td class=\"n\">1</td>"
                                   "<td class=\"n\">2</td></tr>"));
  CHECK_THAT(html, Catch::Contains("<tr><td><span class=\"action warn\">warn</span></td><td class=\"n\">1</td>"
                                   "<td class=\"n\">4</td></tr>"));
  CHECK_THAT(html, Catch::Contains(">K8sRequiredOwner/workloads-should-have-owner</a>"));
  CHECK_THAT(html, Catch::Contains("not audited"));

  // Per namespace: shop has checkout and billing twice (deny + warn) and settings; lab notebook, trainer, notes.
  CHECK(std::regex_search(html, std::regex("<tr id=\"ns-[0-9]+\"><td>shop</td><td class=\"n\">5</td>")));
  CHECK(std::regex_search(html, std::regex("<tr id=\"ns-[0-9]+\"><td>lab</td><td class=\"n\">3</td>")));
  // Per team: the object's label first (billing: finance), else its Namespace's.
  CHECK(std::regex_search(html, std::regex("<tr id=\"label-[0-9]+\"><td>payments</td><td class=\"n\">3</td>")));
  CHECK(std::regex_search(html, std::regex("<tr id=\"label-[0-9]+\"><td>finance</td><td class=\"n\">2</td>")));
  CHECK(std::regex_search(html, std::regex("<tr id=\"label-[0-9]+\"><td>research</td><td class=\"n\">3</td>")));

  // Every link lands on an id of the page, and each kind of link is there.
  std::set<std::string> ids = captures(html, "id=\"([^\"]+)\"");
  std::set<std::string> targets = captures(html, "href=\"#([^\"]+)\"");
  for (const std::string& target : targets) {
    INFO(target);
    CHECK(ids.count(target) == 1);
  }
  auto links_to = [&](const std::string& prefix) {
    for (const std::string& t : targets) {
      if (t.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  CHECK(links_to("c-"));
  CHECK(links_to("ns-"));
  CHECK(links_to("label-"));
  CHECK(links_to("summary"));
}

TEST_CASE("the HTML audit report groups by the label --group-by-label names", "[cli][audit][html]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "html", "--group-by-label", "env"});
  CHECK_THAT(r.out, Catch::Contains("Violations by label <code>env</code>"));
  CHECK(std::regex_search(r.out, std::regex("<tr id=\"label-[0-9]+\"><td>prod</td><td class=\"n\">5</td>")));
  CHECK(std::regex_search(r.out, std::regex("<tr id=\"label-[0-9]+\"><td>dev</td><td class=\"n\">3</td>")));
}

TEST_CASE("the HTML audit report escapes what objects and messages contain", "[cli][audit][html]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  std::string cm = tree.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: lab\n"
                                         "  labels: {team: \"<b>&co</b>\"}\n");
  Run r = run({"audit", "-f", cm, "--policies", files.policies, "-o", "html"});
  CHECK(r.out.find("<b>&co</b>") == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("&lt;b&gt;&amp;co&lt;/b&gt;"));
}
