// The falsifiers of L1 and T2 (THEORY §4): every declared check has at least one, each is
// rejected (the check, run by the same code on the perturbed construction or claim, says
// `fails` under its own name), and the genuine L1 constructions pass the same checks. The genuine
// T2 run takes about 20 s (the P* searches), too long for a unit test: the genuine counterparts
// of T2's falsifiers are tested at the task level (tests/tasks/softmax_*_test.cpp,
// precision_search_test.cpp) and by `freelunch check t2`.
#define BOOST_TEST_MODULE proofs_l1_t2_falsifier
#include "support/test_support.hpp"
#include "support/falsifier_support.hpp"

#include <algorithm>
#include <set>

#include "arith/precision.hpp"
#include "core/falsifier.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"

namespace freelunch::proofs {
ProofEntry module_l1();
ProofEntry module_t2();
}  // namespace freelunch::proofs

using namespace freelunch;

namespace {

using testing::require_rejected;
ProofOptions options(const std::string& precisions) { return testing::falsifier_options(precisions); }

// Every result with a verdict passes, and every declared check gave at least one.
void require_genuine_passes(const ProofEntry& entry, const ProofReport& report) {
  std::set<std::string> seen;
  for (const CheckResult& r : report.results) {
    if (r.verdict == Verdict::measured || r.verdict == Verdict::not_applicable) continue;
    seen.insert(r.check);
    BOOST_TEST((r.verdict == Verdict::verified || r.verdict == Verdict::holds_numerically),
               entry.id << " | " << r.check << " | " << r.instance << " [" << r.precision << "]: " << to_string(r.verdict) << " " << r.detail);
  }
  for (const std::string& c : entry.checks) BOOST_TEST(seen.count(c) == 1u, entry.id << ": no verdict for " << c);
}

}  // namespace

BOOST_AUTO_TEST_CASE(l1_falsifiers_are_rejected) {
  const ProofEntry l1 = proofs::module_l1();
  BOOST_TEST(l1.checks.size() == 5u);
  require_rejected(l1, options(l1.default_precisions));
  // Without an interval arithmetic in the list the enclosure falsifier still runs (interval128).
  require_rejected(l1, options("exact"));
}

BOOST_AUTO_TEST_CASE(t2_falsifiers_are_rejected) {
  const ProofEntry t2 = proofs::module_t2();
  BOOST_TEST(t2.checks.size() == 5u);
  require_rejected(t2, options(t2.default_precisions));
  require_rejected(t2, options("exact,interval64"));
}

// The genuine L1 construction: every check holds on the quick grid, in exact and interval128.
BOOST_AUTO_TEST_CASE(l1_genuine_passes) {
  const ProofEntry l1 = proofs::module_l1();
  require_genuine_passes(l1, l1.run(options("exact,interval128")));
}
