#define BOOST_TEST_MODULE sparse_scan
#include "support/test_support.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "arith/exact.hpp"
#include "arith/errors.hpp"
#include "core/random.hpp"
#include "models/selective_scan.hpp"
#include "models/sparse_scan.hpp"
#include "tasks/copy_schedule.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/slot_copy.hpp"

using namespace freelunch;
using models::SparseScalarScan;

namespace {

// A scalar-decay layer with a few nonzero keys and queries per step (some steps none, some slots
// hit twice), decays rational (zero now and then: the product restarts) and a skip term.
SparseScalarScan random_layer(Rng& rng, std::size_t length, std::size_t state, bool with_zero_decays) {
  SparseScalarScan p{length, state, {}, std::vector<std::vector<models::SparseEntry>>(length),
                     std::vector<std::vector<models::SparseEntry>>(length), std::nullopt};
  for (std::size_t t = 0; t < length; ++t) {
    Rational a = rng.rational(1, 7);
    if (a == 0 && !with_zero_decays) a = Rational(1, 3);
    p.a.push_back(a);
    for (int k = static_cast<int>(rng.uniform(0, 2)); k > 0; --k)
      p.b[t].push_back({static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(state) - 1)), rng.rational(3, 5)});
    for (int k = static_cast<int>(rng.uniform(0, 3)); k > 0; --k)
      p.c[t].push_back({static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(state) - 1)), rng.rational(3, 5)});
  }
  if (rng.coin()) p.skip = rng.rational(2, 3);
  return p;
}

std::vector<Rational> dense_scan(const SparseScalarScan& p, const std::vector<Rational>& u) {
  arith::RationalArith ar;
  const auto params = models::to_arithmetic(ar, p.dense(), models::RoundingSemantics{});
  return models::selective_scan(ar, params, std::span<const Rational>(u), models::RoundingSemantics{});
}

}  // namespace

// The factored recurrence equals the dense scan value for value, on 300 random layers.
BOOST_AUTO_TEST_CASE(equals_the_dense_scan_exactly) {
  Rng rng(20261206);
  std::size_t compared = 0, nonzero = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t length = static_cast<std::size_t>(rng.uniform(1, 40)), state = static_cast<std::size_t>(rng.uniform(1, 6));
    const SparseScalarScan p = random_layer(rng, length, state, trial % 2 == 0);
    std::vector<Rational> u;
    for (std::size_t t = 0; t < length; ++t) u.push_back(rng.coin() ? Rational(0) : rng.rational(9, 4));
    const auto sparse = models::sparse_scalar_scan(p, u);
    const auto dense = dense_scan(p, u);
    BOOST_REQUIRE_EQUAL(sparse.size(), dense.size());
    for (std::size_t t = 0; t < length; ++t) {
      BOOST_REQUIRE_MESSAGE(sparse[t] == dense[t], "trial " << trial << " step " << t << ": " << sparse[t] << " != " << dense[t]);
      nonzero += dense[t] != 0;
    }
    compared += length;
  }
  BOOST_TEST(nonzero > compared / 4);  // the comparison is not between zeros
}

// from_dense keeps exactly the nonzero entries; dense() puts them back.
BOOST_AUTO_TEST_CASE(dense_round_trip) {
  Rng rng(7);
  const SparseScalarScan p = random_layer(rng, 30, 5, true);
  const auto d = p.dense();
  const SparseScalarScan q = SparseScalarScan::from_dense(d);
  const auto e = q.dense();
  BOOST_TEST(d.b == e.b);
  BOOST_TEST(d.c == e.c);
  BOOST_TEST(d.a == e.a);
  for (const auto& row : q.b)
    for (const auto& entry : row) BOOST_TEST(entry.value != 0);
}

// T3's slot layer: sparse() holds the entries of dense(), and the sparse Freivalds judgement agrees
// with the dense one (holds on the construction, fails on a perturbed query).
BOOST_AUTO_TEST_CASE(slot_layer_sparse_equals_dense) {
  for (const auto split : {tasks::Compensation::query, tasks::Compensation::balanced})
    for (const Rational& decay : {Rational(1, 2), Rational(9, 10)}) {
      const tasks::SlotCopyLayer layer(tasks::full_copy_schedule(40), decay, split);
      const auto dense = layer.dense();
      const auto sparse = layer.sparse();
      BOOST_TEST(sparse.dense().b == dense.b);
      BOOST_TEST(sparse.dense().c == dense.c);
      BOOST_TEST(sparse.a == dense.a);
      const auto j_sparse = tasks::judge_exact_copy_freivalds(sparse, layer.schedule(), 2, 5, {});
      const auto j_dense = tasks::judge_exact_copy_freivalds(dense, layer.schedule(), 2, 5, {});
      BOOST_TEST(j_sparse.holds);
      BOOST_TEST(j_dense.holds);
      auto broken = sparse;
      broken.c[layer.schedule().outputs.back()].front().value *= decay;
      const auto j_broken = tasks::judge_exact_copy_freivalds(broken, layer.schedule(), 2, 5, {});
      BOOST_TEST(!j_broken.holds);
      BOOST_TEST(j_broken.first_failure.value() == layer.schedule().outputs.size() - 1);
    }
}

BOOST_AUTO_TEST_CASE(bad_shapes_are_usage_errors) {
  SparseScalarScan p{2, 2, {Rational(1), Rational(1)}, {{{2, Rational(1)}}, {}}, {{}, {}}, std::nullopt};
  const std::vector<Rational> u(2, Rational(1));
  BOOST_CHECK_THROW(models::sparse_scalar_scan(p, u), UsageError);  // slot 2 of n = 2
  p.b[0][0].slot = 1;
  BOOST_CHECK_NO_THROW(models::sparse_scalar_scan(p, u));
  BOOST_CHECK_THROW(models::sparse_scalar_scan(p, std::vector<Rational>(3, Rational(0))), UsageError);
  models::ScanParams<Rational> per_state{1, 1, models::DecayKind::per_state, {Rational(1)}, {Rational(1)}, {Rational(1)}, std::nullopt};
  BOOST_CHECK_THROW(SparseScalarScan::from_dense(per_state), UsageError);
}
