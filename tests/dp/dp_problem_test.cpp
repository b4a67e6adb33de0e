#define BOOST_TEST_MODULE dp_problem
#include "support/test_support.hpp"

#include <vector>

#include "arith/errors.hpp"
#include "dp/problem.hpp"
#include "dp/relu_circuit.hpp"

using namespace freelunch;
using namespace freelunch::dp;

// The direct solvers against tables computed by hand (dp(j) = 0 for j <= 0).
BOOST_AUTO_TEST_CASE(direct_solvers_match_hand_computed_tables) {
  BOOST_TEST(Problem(ProblemKind::halfindex_mod, 7).solve({3, 1, 4, 1, 5}) == (std::vector<long>{3, 0, 0, 1, 6}),
             boost::test_tools::per_element());
  BOOST_TEST(Problem(ProblemKind::lis).solve({3, 1, 4, 1, 5, 9, 2, 6}) == (std::vector<long>{1, 1, 2, 1, 3, 4, 2, 4}),
             boost::test_tools::per_element());
  BOOST_TEST(Problem(ProblemKind::kadane).solve({-2, 1, -3, 4, -1, 2, 1, -5, 4}) == (std::vector<long>{-2, 1, -2, 4, 3, 5, 6, 1, 5}),
             boost::test_tools::per_element());
  BOOST_TEST(Problem(ProblemKind::robber).solve({2, 7, 9, 3, 1}) == (std::vector<long>{2, 7, 11, 11, 12}), boost::test_tools::per_element());
  BOOST_TEST(Problem(ProblemKind::trib_mod, 7).solve({1, 2, 3, 4, 5}) == (std::vector<long>{1, 3, 0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(Problem(ProblemKind::trib_mod, 2).solve({1, 1, 1}) == (std::vector<long>{1, 0, 0}), boost::test_tools::per_element());
}

// Every value stays within the declared bound V(T), on random inputs.
BOOST_AUTO_TEST_CASE(values_stay_within_the_bound) {
  for (ProblemKind k : all_problem_kinds()) {
    const Problem p(k, 5);
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const auto s = p.random_input(200, seed);
      p.validate_input(s);
      for (long v : p.solve(s)) BOOST_TEST(std::abs(v) <= p.value_bound(200));
    }
  }
}

// The transition networks equal f on every integer input in range (exhaustive for small ranges),
// and on inputs off by up to 1/5 where f is rounded first (mod p and LIS).
namespace {

long direct_step(const Problem& p, std::size_t i, const std::vector<long>& deps) {
  // Rebuild an input and a table consistent with the dependency values is not possible in
  // general; compute f directly from the dependency values instead.
  const long q = p.modulus();
  auto mod = [&](long x) { return ((x % q) + q) % q; };
  switch (p.kind()) {
    case ProblemKind::halfindex_mod: return mod(deps[0] + deps[1] + deps[2]);
    case ProblemKind::trib_mod: return mod(deps[0] + deps[1] + deps[2] + deps[3]);
    case ProblemKind::kadane: return std::max(deps[1], deps[0] + deps[1]);
    case ProblemKind::robber: return std::max(deps[0], deps[1] + deps[2]);
    case ProblemKind::lis: {
      long best = 0;
      for (std::size_t j = 1; 2 * j < deps.size(); ++j)
        if (deps[2 * j - 1] < deps[0]) best = std::max(best, deps[2 * j]);
      (void)i;
      return 1 + best;
    }
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(transitions_compute_f_exactly) {
  std::size_t cases = 0;
  for (ProblemKind k : {ProblemKind::halfindex_mod, ProblemKind::trib_mod}) {
    const Problem p(k, 5);
    const ReluCircuit c = p.transition(3, 16);
    const std::size_t arity = c.inputs();
    std::vector<long> x(arity, 0);
    // Every vector in [0, 4]^arity.
    for (long code = 0; code < static_cast<long>(std::pow(5, arity)); ++code) {
      long rest = code;
      for (std::size_t a = 0; a < arity; ++a) {
        x[a] = rest % 5;
        rest /= 5;
      }
      for (const Rational& offset : {Rational(0), Rational(1, 5), Rational(-1, 5)}) {
        std::vector<Rational> in;
        for (long v : x) in.push_back(Rational(v) + offset);
        BOOST_TEST(evaluate_exact(c, in)[0] == Rational(direct_step(p, 3, x)));
        ++cases;
      }
    }
  }
  {
    const Problem p(ProblemKind::kadane);
    const ReluCircuit c = p.transition(2, 16);
    for (long x = -144; x <= 144; ++x)
      for (long s = -9; s <= 9; ++s) {
        BOOST_TEST(evaluate_exact(c, {Rational(x), Rational(s)})[0] == Rational(std::max(s, x + s)));
        ++cases;
      }
  }
  {
    const Problem p(ProblemKind::robber);
    const ReluCircuit c = p.transition(3, 16);
    for (long a = 0; a <= 40; ++a)
      for (long b = 0; b <= 40; ++b)
        for (long s = 0; s <= 9; ++s) {
          BOOST_TEST(evaluate_exact(c, {Rational(a), Rational(b), Rational(s)})[0] == Rational(std::max(a, b + s)));
          ++cases;
        }
  }
  {
    // LIS at step 4 (7 inputs: s_4, then (s_j, dp(j)) for j = 1..3), over s in [0, 3]^4 and
    // dp values in [1, 3]^3, exact and off by 1/5.
    const Problem p(ProblemKind::lis);
    const std::size_t length = 8;
    const ReluCircuit c = p.transition(4, length);
    BOOST_TEST(c.inputs() == 7u);
    for (long code = 0; code < 256 * 27; ++code) {
      long rest = code;
      std::vector<long> x(7);
      x[0] = rest % 4, rest /= 4;
      for (std::size_t j = 1; j <= 3; ++j) {
        x[2 * j - 1] = rest % 4, rest /= 4;
      }
      for (std::size_t j = 1; j <= 3; ++j) x[2 * j] = 1 + rest % 3, rest /= 3;
      for (const Rational& offset : {Rational(0), Rational(1, 5), Rational(-1, 5)}) {
        std::vector<Rational> in;
        for (long v : x) in.push_back(Rational(v) + offset);
        const Rational y = evaluate_exact(c, in)[0];
        const Rational expected(direct_step(p, 4, x));
        // The maximum passes the dp error through: within 1/5 of f, exactly f without offset.
        if (offset == 0) BOOST_TEST(y == expected);
        else BOOST_TEST(abs(y - expected) <= Rational(1, 5));
        ++cases;
      }
    }
  }
  {
    // The network of LIS step i is the prefix of lis_network up to output i - 1.
    const Problem p(ProblemKind::lis);
    const ReluCircuit chain = p.lis_network(20, 20);
    BOOST_TEST(chain.outputs().size() == 20u);
    for (std::size_t i = 1; i <= 20; ++i) {
      const ReluCircuit step = p.transition(i, 20);
      BOOST_TEST(step.outputs().size() == 1u);
      BOOST_TEST(chain.mul_adds_through(*chain.output_node(i - 1)) == step.mul_adds());
      BOOST_TEST(chain.relu_units_through(*chain.output_node(i - 1)) == step.relu_units());
    }
  }
  BOOST_TEST_MESSAGE("transition cases checked: " << cases);
}

// The staircase rounds every x within 1/4 of an integer in [-V, V], and costs 4V ReLU units.
BOOST_AUTO_TEST_CASE(circuit_staircase_rounds_within_a_quarter) {
  for (long bound : {1L, 3L, 6L}) {
    ReluCircuit c(1);
    c.output(c.round(c.input(0), bound));
    BOOST_TEST(c.relu_units() == static_cast<std::size_t>(4 * bound));
    for (long k = -bound; k <= bound; ++k)
      for (long j = -4; j <= 4; ++j) BOOST_TEST(evaluate_exact(c, {Rational(k) + Rational(j, 16)})[0] == Rational(k));
  }
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_usage_errors) {
  BOOST_CHECK_THROW(Problem(ProblemKind::halfindex_mod, 1), UsageError);
  BOOST_CHECK_THROW(Problem(ProblemKind::trib_mod, 5).validate_input({1, 5}), UsageError);
  BOOST_CHECK_THROW(Problem(ProblemKind::robber).validate_input({}), UsageError);
  BOOST_CHECK_THROW(Problem(ProblemKind::robber).validate_input({-1}), UsageError);
  BOOST_CHECK_THROW(parse_problem("fib"), UsageError);
  BOOST_TEST(parse_problem("trib-mod", 3).name() == "trib-mod p=3");
}

// The falsifiers' "f wrong in one entry": the changed network differs from f exactly on the one
// integer input given (by delta) and nowhere else, also for inputs within 1/5 of the integers
// (as the models read them). Every input of halfindex-mod p = 5 in [0, 4]^3.
BOOST_AUTO_TEST_CASE(changed_entry_differs_in_that_entry_only) {
  const Problem p(ProblemKind::halfindex_mod, 5);
  const ReluCircuit f = p.transition(3, 16);
  const std::vector<long> at{2, 0, 4};
  const ReluCircuit g = with_changed_entry(f, at, -1, p.value_bound(16));
  std::size_t differing = 0;
  for (long code = 0; code < 125; ++code) {
    const std::vector<long> x{code % 5, (code / 5) % 5, code / 25};
    for (const Rational& offset : {Rational(0), Rational(1, 5), Rational(-1, 5)}) {
      std::vector<Rational> in;
      for (long v : x) in.push_back(Rational(v) + offset);
      const Rational diff = evaluate_exact(g, in)[0] - evaluate_exact(f, in)[0];
      BOOST_TEST(diff == Rational(x == at ? -1 : 0), "input " << x[0] << "," << x[1] << "," << x[2] << " offset " << offset);
      if (diff != 0) ++differing;
    }
  }
  BOOST_TEST(differing == 3u);  // the entry, at the three offsets
}
