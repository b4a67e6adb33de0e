#define BOOST_TEST_MODULE t2_report
#include "support/test_support.hpp"

#include "core/version.hpp"
#include "proofs/t2/t2_report.hpp"

using namespace freelunch;

namespace {

CheckResult p_star(const std::string& kind, std::size_t length, std::optional<long> p) {
  CheckResult r{"least precision P* that copies", kind + " L=" + std::to_string(length), "mpfr4..64", "per-op, sequential, storage=compute",
                Verdict::holds_numerically, "", {{"schedule", kind}, {"L", length}}};
  r.data["P*"] = p ? nlohmann::json(*p) : nlohmann::json(nullptr);
  return r;
}

CheckResult certified(const std::string& kind, std::size_t length, bool copies) {
  return {"decoded COPY", kind, "interval128", "per-op, sequential, storage=compute", copies ? Verdict::verified : Verdict::fails, "",
          {{"schedule", kind}, {"L", length}, {"copies", copies}, {"certified", true}}};
}

CheckResult largest(const std::string& kind, const std::vector<std::pair<std::size_t, bool>>& per_length) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& [l, c] : per_length) entries.push_back({{"L", l}, {"copies", c}});
  return {"largest L that copies", kind, "fp16", "per-op, sequential, storage=compute", Verdict::measured, "",
          {{"schedule", kind}, {"per_L", entries}}};
}

}  // namespace

// Rows by L, P* per schedule, per arithmetic the schedules that copy, the slope row last.
BOOST_AUTO_TEST_CASE(cells_follow_the_results) {
  ProofReport report{"t2", "", "quick", "", 1, {}};
  report.results = {p_star("full", 16, 9),          p_star("shift", 16, 10),        p_star("full", 32, std::nullopt),
                    certified("full", 16, true),    certified("shift", 16, true),   certified("full", 32, false),
                    largest("full", {{16, true}, {32, false}}), largest("shift", {{16, false}, {32, false}})};
  CheckResult slope{"slope of P* against log2 L", "full", "mpfr4..64", "", Verdict::measured, "2 bits per doubling of L", {{"schedule", "full"}}};
  report.results.push_back(slope);
  const auto arithmetics = arith::parse_precision_list("exact,interval128,fp16");
  const output::LatexTable t = proofs::t2::precision_table(report, arithmetics, {"full", "shift"});
  BOOST_TEST((t.header == std::vector<std::string>{"L", "P* full", "P* shift", "interval128", "fp16"}));
  BOOST_REQUIRE(t.rows.size() == 3u);
  BOOST_TEST((t.rows[0] == std::vector<std::string>{"16", "9", "10", "all", "full"}));
  BOOST_TEST((t.rows[1] == std::vector<std::string>{"32", "> 64", "--", "none", "none"}));
  BOOST_TEST((t.rows[2] == std::vector<std::string>{"slope", "2", "--", "", ""}));
  const std::string latex = t.render();
  BOOST_TEST(latex.find("\\toprule") != std::string::npos);
  BOOST_TEST(latex.find("Thm 2") != std::string::npos);
  BOOST_TEST(latex.find(kToolVersion) != std::string::npos);
  BOOST_TEST(latex.find("per-op, sequential, storage=compute") != std::string::npos);
}

// A length checked on a row sample is labelled with the sample's size, so no cell claims every
// row; an undecided certified result is shown as undecided, not as a failure; a refuted P* claim
// is not shown as "> 64".
BOOST_AUTO_TEST_CASE(sampled_rows_and_undecided_are_labelled) {
  ProofReport report{"t2", "", "quick", "", 1, {}};
  CheckResult sampled = certified("full", 1024, true);
  sampled.data["rows"] = 30;
  sampled.data["rows_total"] = 1024;
  CheckResult whole = certified("full", 256, true);
  whole.data["rows"] = 256;
  whole.data["rows_total"] = 256;
  CheckResult open = certified("shift", 256, false);
  open.verdict = Verdict::undecided;
  CheckResult refuted = p_star("full", 256, std::nullopt);
  refuted.verdict = Verdict::fails;
  refuted.data["claimed"] = 17;
  CheckResult part = certified("shift", 512, true);
  part.data["rows"] = 30;
  part.data["rows_total"] = 1023;
  const CheckResult rest = certified("full", 512, true);
  CheckResult shift_sampled = certified("shift", 1024, true);
  shift_sampled.data["rows"] = 32;
  shift_sampled.data["rows_total"] = 2047;
  report.results = {sampled, whole, open, refuted, part, rest, shift_sampled};
  const output::LatexTable t = proofs::t2::precision_table(report, arith::parse_precision_list("interval128"), {"full", "shift"});
  BOOST_REQUIRE(t.rows.size() == 4u);
  BOOST_TEST((t.rows[0] == std::vector<std::string>{"256", "refuted", "--", "full, shift undecided"}));
  BOOST_TEST((t.rows[1] == std::vector<std::string>{"512, shift sampled (30 rows)", "--", "--", "all"}));
  BOOST_TEST((t.rows[2] == std::vector<std::string>{"1024 sampled (30-32 rows)", "--", "--", "all"}));
  BOOST_TEST(t.caption.find("sampled (k rows)") != std::string::npos);
}
