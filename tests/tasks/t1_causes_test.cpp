#define BOOST_TEST_MODULE t1_causes
#include "support/test_support.hpp"

#include <cmath>

#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "arith/fixed_point.hpp"
#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "models/sequence_matrix.hpp"
#include "tasks/copy_check.hpp"
#include "tasks/decay_escape.hpp"
#include "tasks/rank_constructions.hpp"
#include "tasks/slot_copy_search.hpp"
#include "tasks/state_count.hpp"

// The three causes of T1, each against values derived here independently of the library's
// search: thresholds from a format's largest finite value alone (a = 1/2 makes every number a
// power of two), the exact (L - n)/L errors, and the injective lengths of binary formats from
// their significand width.

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

arith::SoftFloatArith soft(const std::string& name) {
  return arith::SoftFloatArith(std::get<arith::FloatSpec>(arith::parse_precision(name).spec).format);
}

const models::RoundingSemantics kSem;

// floor(log2 q) for q >= 1, by comparison with powers of two.
long floor_log2(const Rational& q) {
  long e = 0;
  while (pow2(e + 1) <= q) ++e;
  return e;
}

}  // namespace

// T1a with a = 1/2 and the balanced split: at distance d the key is 2^ceil(d/2), the query
// 2^floor(d/2), the state after the decays 2^-floor(d/2); every product is a power of two, exact
// until the key times ±1 overflows. So the largest distance is the largest d with
// 2^ceil(d/2) <= max finite, i.e. d = 2 floor(log2 max) (the state 2^-d/2 stays above the
// smallest subnormal in these formats, checked too).
BOOST_AUTO_TEST_CASE(magnitude_threshold_for_one_half_follows_from_the_largest_finite_value) {
  for (const std::string name : {"fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3", "f4.5", "f6.2"}) {
    const arith::SoftFloatArith ar = soft(name);
    const long top = floor_log2(ar.format().max_finite());
    const std::size_t expected = static_cast<std::size_t>(2 * top);
    BOOST_TEST_REQUIRE(pow2(-top) >= ar.format().min_subnormal());
    const auto s = largest_copying(ar, distance_schedule, Rational(1, 2), Compensation::balanced, plus_minus_one(), 8192, 8192, kSem);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(s.search.largest.value_or(0) == expected);
      BOOST_TEST(!s.search.reached_cap);
      BOOST_TEST_REQUIRE(s.failure.has_value());
      BOOST_TEST(s.failure->non_finite);  // the range, not rounding
      BOOST_TEST(s.failure_cause().starts_with("range"));
    }
  }
}

BOOST_AUTO_TEST_CASE(exact_arithmetic_has_no_magnitude_limit) {
  const auto s = largest_copying(arith::DyadicArith{}, distance_schedule, Rational(1, 2), Compensation::balanced, plus_minus_one(), 512, 64, kSem);
  BOOST_TEST(s.search.reached_cap);
  BOOST_TEST(!s.failure.has_value());
  const auto r = largest_copying(arith::RationalArith{}, distance_schedule, Rational(9, 10), Compensation::query, plus_minus_one(), 256, 32, kSem);
  BOOST_TEST(r.search.reached_cap);
}

// The decay 1 - 2^-k is representable for k <= p (the spacing below 1 is 2^-p) and rounds to
// exactly 1 at k = p + 1 (a tie between 1 - 2^-p and 1, which is even). Fixed point fixI.F: k = F + 1.
BOOST_AUTO_TEST_CASE(decay_near_one_rounds_to_one_after_the_significand_width) {
  for (const std::string name : {"fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3"}) {
    const arith::SoftFloatArith ar = soft(name);
    BOOST_TEST(decay_rounds_to_one_from(ar, kSem, 200).value_or(-1) == ar.format().precision() + 1, name);
  }
  const arith::FixedArith fix(arith::FixedFormat{8, 8});
  BOOST_TEST(decay_rounds_to_one_from(fix, kSem, 200).value_or(-1) == 9);
  BOOST_TEST(!decay_rounds_to_one_from(arith::RationalArith{}, kSem, 200).has_value());
}

// T1b: every construction's block has rank <= n and error >= (L - n)/L; the tight ones equal it.
BOOST_AUTO_TEST_CASE(rank_constructions_meet_the_eckart_young_bound) {
  for (std::size_t length : {4, 8, 16})
    for (std::size_t state = 1; state < length; state += 2) {
      const auto cs = rank_constructions(length, state, testing::seed());
      BOOST_TEST(cs.size() == 4u);  // L is a power of two: the projection is included
      for (const auto& c : cs) {
        BOOST_TEST_CONTEXT(c.name << " L=" << length << " n=" << state) {
          const auto block = copy_block(c.params, length);
          BOOST_TEST(linalg::rank_flint(block) <= static_cast<long>(state));
          const Rational mse = block_mean_squared_error(block);
          const Rational bound(static_cast<long>(length - state), static_cast<long>(length));
          BOOST_TEST(rank_error_bound(length, state) == bound);
          BOOST_TEST(mse >= bound);
          if (c.tight) BOOST_TEST(mse == bound);
          // The block's error agrees with the error of the whole matrix over the schedule.
          arith::RationalArith ar;
          const auto m = models::sequence_matrix(ar, c.params, kSem);
          BOOST_TEST(mean_squared_copy_error(m, full_copy_schedule(length)) == mse);
        }
      }
    }
  // Not a power of two: no projection; n >= L is refused.
  BOOST_TEST(rank_constructions(6, 2, 1).size() == 3u);
  BOOST_CHECK_THROW(rank_constructions(6, 6, 1), UsageError);
}

// The keep-n block is exactly the indicator of the first n positions: n ones on the diagonal.
BOOST_AUTO_TEST_CASE(keep_positions_copies_those_positions_exactly) {
  const auto block = copy_block(rank_constructions(8, 3, 1).at(0).params, 8);
  for (std::size_t r = 0; r < 8; ++r)
    for (std::size_t j = 0; j < 8; ++j) BOOST_TEST(block(r, j) == Rational(r == j && r < 3 ? 1 : 0));
}

// T1c: h_L = Σ u_j |V|^-(L-j) needs L log2|V| significand bits at worst (every digit |V| - 1), so
// a binary format with precision p is injective for |V| = 2 up to L = p and for |V| = 4 up to
// L = floor(p/2). Fixed point with F fraction bits resolves |V|^-(L-1) while (L-1) log2|V| <= F.
BOOST_AUTO_TEST_CASE(injective_lengths_follow_from_the_significand_width) {
  for (const std::string name : {"bf16", "fp16", "e5m2", "e4m3", "f5.6"}) {
    const arith::SoftFloatArith ar = soft(name);
    const int p = ar.format().precision();
    BOOST_TEST_CONTEXT(name) {
      const auto two = injective_length(ar, 2, 14, kSem);
      BOOST_TEST(two.largest == static_cast<std::size_t>(p));
      BOOST_TEST(!two.reached_cap);
      BOOST_TEST(two.distinct_after < two.sequences_after);
      BOOST_TEST(injective_length(ar, 4, 8, kSem).largest == static_cast<std::size_t>(p / 2));
      // Below the information bound log|F|/log|V|.
      const double log2_f = log2_value_count(arith::parse_precision(name)).value();
      BOOST_TEST(static_cast<double>(p) <= log2_f);
    }
  }
  const arith::FixedArith fix(arith::FixedFormat{8, 8});
  BOOST_TEST(injective_length(fix, 2, 14, kSem).largest == 9u);
  BOOST_TEST(injective_length(fix, 4, 8, kSem).largest == 5u);
  // fp32 and exact: injective up to the cap.
  BOOST_TEST(injective_length(soft("fp32"), 2, 12, kSem).reached_cap);
  BOOST_TEST(injective_length(arith::DyadicArith{}, 4, 6, kSem).reached_cap);
}

BOOST_AUTO_TEST_CASE(value_counts_of_small_formats) {
  // fp16: 2^16 patterns, 2 x 2^10 with the top exponent (inf, NaN), the two zeros once: 63487.
  BOOST_TEST(std::exp2(log2_value_count(arith::parse_precision("fp16")).value()) == 63487.0, boost::test_tools::tolerance(1e-9));
  // e4m3 (FN): 256 patterns, two NaNs, two zeros: 253.
  BOOST_TEST(std::exp2(log2_value_count(arith::parse_precision("e4m3")).value()) == 253.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(log2_value_count(arith::parse_precision("fix8.8")).value() == 16.0);
  BOOST_TEST(!log2_value_count(arith::parse_precision("exact")).has_value());
}

BOOST_AUTO_TEST_CASE(digit_extraction_recovers_every_token) {
  Rng rng(testing::seed() + 3);
  for (long alphabet : {2L, 3L, 4L, 10L})
    for (std::size_t length : {1, 2, 7, 100}) {
      std::vector<long> u(length);
      for (long& x : u) x = rng.uniform(0, alphabet - 1);
      const Rational h = exact_digit_state(u, alphabet);
      const auto decoded = decode_digits(h, alphabet, length);
      BOOST_TEST_REQUIRE(decoded.has_value());
      BOOST_TEST(*decoded == u, "alphabet " << alphabet << " length " << length);
    }
  // The latest token is the integer part: [1, 0, 1] over {0, 1} is 1/4 + 0/2 + 1 = 5/4.
  BOOST_TEST(exact_digit_state({1, 0, 1}, 2) == Rational(5, 4));
  // Not a state of the recurrence: a finer denominator, a negative value, a digit overflow.
  BOOST_TEST(!decode_digits(Rational(1, 8), 2, 3).has_value());
  BOOST_TEST(!decode_digits(Rational(-1), 2, 3).has_value());
  BOOST_TEST(!decode_digits(Rational(2), 2, 1).has_value());
}
