#define BOOST_TEST_MODULE result_tables
#include "support/test_support.hpp"

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/version.hpp"
#include "output/latex_table.hpp"
#include "output/result_tables.hpp"

using namespace freelunch;
using namespace freelunch::output;
using nlohmann::json;

namespace {

const std::string kSem = "per-op, sequential, storage=compute";

CheckResult result(const std::string& check, const std::string& instance, const std::string& precision, Verdict v, const std::string& detail = "") {
  return {check, instance, precision, kSem, v, detail, json::object()};
}

// Checks and arithmetics deliberately out of alphabetical order; verdicts mixed within one cell.
ProofReport mixed_report() {
  ProofReport r;
  r.id = "t9";
  r.grid = "quick";
  r.seed = 1;
  r.results = {
      result("zeta", "i1", "fp16", Verdict::fails, "first"),  // a failure before the holds: counts still by verdict kind
      result("zeta", "i1", "exact", Verdict::verified),
      result("zeta", "i2", "fp16", Verdict::holds_numerically),
      result("alpha", "i1", "fp16", Verdict::measured, "2^-11"),
      result("zeta", "i3", "fp16", Verdict::holds_numerically),
      result("zeta", "i2", "exact", Verdict::verified),
      result("zeta", "i4", "fp16", Verdict::holds_numerically),
      result("zeta", "i5", "fp16", Verdict::fails, "second"),
      result("gamma", "", "exact", Verdict::not_applicable),
      result("gamma", "", "bf16", Verdict::not_applicable),
      result("gamma", "", "fp16", Verdict::not_applicable),
  };
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verdict_table_rows_columns_and_cells) {
  const LatexTable t = verdict_table(mixed_report(), "t9-verdicts");
  using V = std::vector<std::string>;
  BOOST_TEST(t.label == "tab:t9-verdicts");
  // Arithmetics in order of first appearance (fp16 before exact), not sorted.
  BOOST_TEST(t.header == (V{"check", "instances", "fp16", "exact", "bf16"}), boost::test_tools::per_element());
  BOOST_REQUIRE(t.rows.size() == 3u);
  // zeta: 5 instances in fp16, 2 in exact (varies); mixed cell counts each verdict; first failure named.
  BOOST_TEST(t.rows[0] == (V{"zeta (first failure: i1)", "varies", "holds 3, fails 2", "verified", "--"}), boost::test_tools::per_element());
  // alpha: only fp16.
  BOOST_TEST(t.rows[1] == (V{"alpha", "1", "measured", "--", "--"}), boost::test_tools::per_element());
  // gamma: n/a everywhere, one instance each.
  BOOST_TEST(t.rows[2] == (V{"gamma", "1", "n/a", "n/a", "n/a"}), boost::test_tools::per_element());
  BOOST_TEST(t.provenance == std::string(kPaperVersion) + "; freelunch " + kToolVersion + "; arithmetics: fp16, exact, bf16; rounding: " + kSem +
                                 "; grid quick, seed 1.");
  BOOST_TEST(t.column_spec == ">{\\raggedright\\arraybackslash}p{0.24\\linewidth}llll");
}

BOOST_AUTO_TEST_CASE(verdict_table_uniform_counts_and_words) {
  ProofReport r;
  r.id = "l1";
  r.grid = "full";
  r.seed = 3;
  for (int i = 0; i < 3; ++i) {
    r.results.push_back(result("recurrence = matrix form", "N=" + std::to_string(i), "exact", Verdict::verified));
    r.results.push_back(result("recurrence = matrix form", "N=" + std::to_string(i), "fp32", Verdict::holds_numerically));
  }
  r.results.push_back(result("deviation", "N=0", "fp32", Verdict::measured, "1e-7"));
  r.results.push_back(result("deviation", "N=1", "fp32", Verdict::measured, "2e-7"));
  r.results.push_back(result("deviation", "N=0", "exact", Verdict::measured, "0"));
  r.results.push_back(result("deviation", "N=1", "exact", Verdict::fails, "nonzero"));
  const LatexTable t = verdict_table(r, "l1-verdicts");
  using V = std::vector<std::string>;
  BOOST_REQUIRE(t.rows.size() == 2u);
  // Uniform: the count; a single verdict: no count.
  BOOST_TEST(t.rows[0] == (V{"recurrence = matrix form", "3", "verified", "holds"}), boost::test_tools::per_element());
  // The same number of instances per arithmetic is uniform even with mixed verdicts.
  BOOST_TEST(t.rows[1] == (V{"deviation (first failure: N=1)", "2", "fails 1, measured 1", "measured"}), boost::test_tools::per_element());
  BOOST_TEST(t.provenance.ends_with("grid full, seed 3."));
  BOOST_TEST(t.caption.starts_with("l1: "));

  // Rendered: escaped cells in a booktabs table that fits the line.
  const std::string tex = t.render(true);
  BOOST_TEST(tex.find("check & instances & exact & fp32 \\\\\n") != std::string::npos);
  BOOST_TEST(tex.find("recurrence = matrix form & 3 & verified & holds \\\\\n") != std::string::npos);
  BOOST_TEST(tex.find("\\label{tab:l1-verdicts}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verdict_table_of_an_empty_report) {
  ProofReport r;
  r.id = "t1";
  r.grid = "quick";
  r.seed = 1;
  const LatexTable t = verdict_table(r, "t1-verdicts");
  BOOST_TEST(t.rows.empty());
  BOOST_TEST(t.header == (std::vector<std::string>{"check", "instances"}), boost::test_tools::per_element());
  BOOST_TEST(t.column_spec == ">{\\raggedright\\arraybackslash}p{0.24\\linewidth}l");
}

BOOST_AUTO_TEST_CASE(latex_escape_specials) {
  BOOST_TEST(latex_escape("a<b>c|d_e") == "a\\textless{}b\\textgreater{}c\\textbar{}d\\_e");
  BOOST_TEST(latex_escape("&%$#_{}") == "\\&\\%\\$\\#\\_\\{\\}");
  BOOST_TEST(latex_escape("~^\\") == "\\textasciitilde{}\\textasciicircum{}\\textbackslash{}");
  BOOST_TEST(latex_escape("plain text, 1-2/3 (x) [y] = z.") == "plain text, 1-2/3 (x) [y] = z.");
  BOOST_TEST(latex_escape("") == "");
  BOOST_TEST(latex_escape("ünï") == "ünï");  // UTF-8 bytes pass through
  // |y - u| < 1/2, as a cell of the copy tables would have it.
  BOOST_TEST(latex_escape("|y_i - u| < 1/2") == "\\textbar{}y\\_i - u\\textbar{} \\textless{} 1/2");
}
