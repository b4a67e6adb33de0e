// The falsifiers of T4 and T5 (THEORY §4): every declared check has at least one, each is
// rejected (the check, run by the same function on the perturbed construction or claim, says
// `fails` under its own name), and the genuine counterpart of each passes the same function on
// the same small instance. The genuine proofs take about a minute together: they run in
// `freelunch check t4 t5`, not here.
#define BOOST_TEST_MODULE dp_falsifier
#include "support/test_support.hpp"
#include "support/falsifier_support.hpp"

#include <algorithm>

#include "arith/precision.hpp"
#include "core/falsifier.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "dp/checks.hpp"

namespace freelunch::proofs {
ProofEntry module_t4();
ProofEntry module_t5();
}  // namespace freelunch::proofs

using namespace freelunch;
using namespace freelunch::dp;

namespace {

using testing::require_rejected;
ProofOptions options(const std::string& precisions) { return testing::falsifier_options(precisions); }

bool passes(const CheckResult& r) { return r.verdict == Verdict::verified || r.verdict == Verdict::holds_numerically; }

const arith::Precision& exact() {
  static const arith::Precision p = arith::parse_precision("exact");
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(t4_falsifiers_are_rejected) {
  const ProofEntry t4 = proofs::module_t4();
  BOOST_TEST(t4.checks.size() == 5u);
  require_rejected(t4, options(t4.default_precisions));
}

BOOST_AUTO_TEST_CASE(t5_falsifiers_are_rejected) {
  const ProofEntry t5 = proofs::module_t5();
  BOOST_TEST(t5.checks.size() == 3u);
  require_rejected(t5, options(t5.default_precisions));
}

// The genuine counterparts of the falsifiers, on the same instances: the unperturbed models write
// the right CoT, the true bound holds, rank - 1 slots give a witness, the true slopes hold, and a
// true prediction holds.
BOOST_AUTO_TEST_CASE(genuine_counterparts_pass) {
  const std::uint64_t seed = testing::seed();
  const Problem halfindex(ProblemKind::halfindex_mod, 7), trib(ProblemKind::trib_mod, 7), robber(ProblemKind::robber),
      kadane(ProblemKind::kadane);
  for (const Problem* p : {&halfindex})
    BOOST_TEST(passes(check_cot(*p, ModelKind::mamba_general, 64, 5, seed, exact(), {})));
  for (const Problem* p : {&trib, &robber, &kadane}) BOOST_TEST(passes(check_cot(*p, ModelKind::mamba_local, 64, 5, seed, exact(), {})));
  const arith::Precision mpfr = arith::parse_precision("mpfr" + std::to_string(softmax_precision_bits(16)));
  BOOST_TEST(passes(check_cot(halfindex, ModelKind::transformer, 16, 5, seed, mpfr, {})));
  BOOST_TEST(passes(check_cot(trib, ModelKind::transformer_window, 16, 5, seed, mpfr, {})));

  BOOST_TEST(passes(halfindex_rank_bound(256, halfindex_rank_claim(256))));
  BOOST_TEST(passes(small_state_witness(64, static_cast<std::size_t>(halfindex_rank_claim(64) - 1), 5, seed)));
  BOOST_TEST(to_string(cost_series(halfindex, ModelKind::mamba_general, {64, 128, 256, 512, 1024}, 2.0, seed, 64).verdict) ==
             to_string(Verdict::measured));
  BOOST_TEST(to_string(cost_series(trib, ModelKind::mamba_local, {64, 128, 256, 512, 1024}, 1.0, seed, 1024).verdict) ==
             to_string(Verdict::measured));
  const arith::Precision fp16 = arith::parse_precision("fp16");
  BOOST_TEST(passes(largest_correct_length(trib, ModelKind::mamba_local, 4096, seed, fp16, {}, 4096)));
  BOOST_TEST(passes(largest_correct_length(halfindex, ModelKind::mamba_general, 1024, seed, exact(), {}, 1024)));
}
