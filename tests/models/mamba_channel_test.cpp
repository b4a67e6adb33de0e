#define BOOST_TEST_MODULE mamba_channel
#include "support/test_support.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/random.hpp"
#include "models/mamba_channel.hpp"
#include "models/reference_rounding.hpp"
#include "models/test_values.hpp"

using namespace freelunch;
using models::Discretization;
using models::MambaChannel;
using testing::from_rationals;
using testing::MpfrNumber;
using testing::show;
using testing::to_rationals;

namespace {

using testing::show;

// Δ > 0 (or a pre-activation of either sign), A < 0, B and C in [-2, 2]; non-dyadic in general.
MambaChannel<Rational> random_channel(Rng& rng, std::size_t length, std::size_t state, bool preactivation) {
  MambaChannel<Rational> m{length, state, {}, preactivation, {}, {}, {}, std::nullopt};
  for (std::size_t t = 0; t < length; ++t)
    m.delta.push_back(preactivation ? rng.rational(4, 7) : Rational(rng.uniform(1, 40), rng.uniform(8, 20)));
  for (std::size_t s = 0; s < state; ++s) m.A.push_back(Rational(-rng.uniform(1, 32), rng.uniform(1, 7)));
  for (std::size_t i = 0; i < length * state; ++i) {
    m.B.push_back(rng.rational(2, 7));
    m.C.push_back(rng.rational(2, 7));
  }
  if (rng.coin()) m.D = rng.rational(2, 7);
  return m;
}

std::string show(const MambaChannel<Rational>& m) {
  return "N=" + std::to_string(m.length) + " n=" + std::to_string(m.state) + (m.delta_is_preactivation ? " pre-delta=" : " delta=") +
         show(m.delta) + " A=" + show(m.A) + " B=" + show(m.B) + " C=" + show(m.C) + " D=" + (m.D ? to_string(*m.D) : std::string("none"));
}

template <class Ar>
MambaChannel<typename Ar::value_type> to_arithmetic(const Ar& ar, const MambaChannel<Rational>& m) {
  MambaChannel<typename Ar::value_type> out{m.length, m.state, from_rationals(ar, m.delta), m.delta_is_preactivation,
                                            from_rationals(ar, m.A), from_rationals(ar, m.B), from_rationals(ar, m.C), std::nullopt};
  if (m.D) out.D = ar.from_rational(*m.D);
  return out;
}

const char* name_of(Discretization how) { return how == Discretization::euler ? "euler" : "zoh"; }

// ---- raw MPFR at a fixed precision, one call per operation, for the mpfrP comparisons ----------

class Raw {
 public:
  explicit Raw(mpfr_prec_t prec) : prec_(prec) {}
  MpfrNumber from(const Rational& q) const {
    MpfrNumber x(prec_);
    mpfr_set_q(x.get(), q.backend().data(), MPFR_RNDN);
    return x;
  }
  mpfr_prec_t precision() const { return prec_; }

 private:
  mpfr_prec_t prec_;
};

bool same(const arith::MpfrValue& v, const MpfrNumber& r) {
  return mpfr_get_prec(v.get()) == mpfr_get_prec(r.get()) && mpfr_equal_p(v.get(), r.get()) != 0;
}

// softplus(x) = x for x > 20, x + log(1 + e^-x) for 0 < x <= 20, log(1 + e^x) otherwise, each
// operation rounded at r's precision (r must not alias x).
void raw_softplus(MpfrNumber& r, mpfr_srcptr x) {
  if (mpfr_cmp_si(x, 20) > 0) {
    mpfr_set(r.get(), x, MPFR_RNDN);
    return;
  }
  const bool positive = mpfr_sgn(x) > 0;
  if (positive) {
    mpfr_neg(r.get(), x, MPFR_RNDN);
    mpfr_exp(r.get(), r.get(), MPFR_RNDN);
  } else {
    mpfr_exp(r.get(), x, MPFR_RNDN);
  }
  mpfr_add_ui(r.get(), r.get(), 1, MPFR_RNDN);
  mpfr_log(r.get(), r.get(), MPFR_RNDN);
  if (positive) mpfr_add(r.get(), r.get(), x, MPFR_RNDN);
}

}  // namespace

BOOST_AUTO_TEST_CASE(validate_channel_names_the_first_violation) {
  Rng rng(testing::seed() + 50);
  const MambaChannel<Rational> good = random_channel(rng, 3, 2, false);
  BOOST_CHECK_NO_THROW(models::validate_channel(good));
  auto fails_with = [](const MambaChannel<Rational>& m, const std::string& part) {
    try {
      models::validate_channel(m);
    } catch (const UsageError& e) {
      return std::string(e.what()).find(part) != std::string::npos;
    }
    return false;
  };
  MambaChannel<Rational> m = good;
  m.A[1] = 0;  // ZOH would divide by it
  BOOST_TEST(fails_with(m, "A[1] = 0 must be negative"));
  m = good;
  m.delta[2] = Rational(-1, 2);
  BOOST_TEST(fails_with(m, "delta[2] = -1/2 must be positive"));
  m.delta_is_preactivation = true;  // any real pre-activation is allowed
  BOOST_CHECK_NO_THROW(models::validate_channel(m));
  m = good;
  m.C.pop_back();
  BOOST_TEST(fails_with(m, "shapes disagree"));
  BOOST_TEST(fails_with(MambaChannel<Rational>{}, "N >= 1 and n >= 1"));
}

BOOST_AUTO_TEST_CASE(discretize_in_exact_is_a_usage_error_pointing_to_intervals) {
  Rng rng(testing::seed() + 51);
  const MambaChannel<Rational> m = random_channel(rng, 3, 2, false);
  auto names_exp_and_interval = [](const UsageError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("exp") != std::string::npos, what);
    BOOST_TEST(what.find("interval") != std::string::npos, what);
    BOOST_TEST(what.find('\n') == std::string::npos, what);
    return true;
  };
  for (const Discretization how : {Discretization::euler, Discretization::zoh}) {
    BOOST_CHECK_EXCEPTION(models::discretize(arith::RationalArith{}, m, how), UsageError, names_exp_and_interval);
    BOOST_CHECK_EXCEPTION(arith::with_arithmetic(arith::parse_precision("exact"),
                                                 [&](const auto& ar) {
                                                   models::discretize(ar, to_arithmetic(ar, m), how);
                                                   return 0;
                                                 }),
                          UsageError, names_exp_and_interval);
  }
  const arith::RationalArith ar;
  const std::vector<Rational> y = {1, 2}, z = {3, 4};
  BOOST_CHECK_EXCEPTION(models::gate(ar, std::span<const Rational>(y), std::span<const Rational>(z)), UsageError, names_exp_and_interval);
  BOOST_CHECK_EXCEPTION(models::softplus(ar, Rational(1)), UsageError, names_exp_and_interval);
  BOOST_CHECK_EXCEPTION(models::silu(ar, Rational(1)), UsageError, names_exp_and_interval);
}

BOOST_AUTO_TEST_CASE(mpfr200_discretization_is_the_formula_rounded_per_operation) {
  const arith::MpfrArith ar(200);
  const Raw raw(200);
  Rng rng(testing::seed() + 52);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(30), 6);
  for (std::uint64_t it = 0; it < count; ++it) {
    const bool pre = it % 3 == 2;
    const MambaChannel<Rational> m = random_channel(rng, static_cast<std::size_t>(rng.uniform(1, 6)), static_cast<std::size_t>(rng.uniform(1, 4)), pre);
    for (const Discretization how : {Discretization::euler, Discretization::zoh}) {
      BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << name_of(how) << ", " << show(m)) {
        const auto p = models::discretize(ar, to_arithmetic(ar, m), how);
        BOOST_TEST_REQUIRE(p.a.size() == m.length * m.state);
        BOOST_TEST_REQUIRE(p.b.size() == m.length * m.state);
        BOOST_TEST((p.decay_kind == models::DecayKind::per_state));
        // c = C and the skip D pass through unchanged.
        BOOST_TEST(to_rationals(ar, p.c) == to_rationals(ar, from_rationals(ar, m.C)), boost::test_tools::per_element());
        BOOST_TEST(p.skip.has_value() == m.D.has_value());
        if (m.D) BOOST_TEST(ar.to_rational(*p.skip) == ar.to_rational(ar.from_rational(*m.D)));
        for (std::size_t t = 0; t < m.length; ++t) {
          MpfrNumber dt(200);
          const MpfrNumber given = raw.from(m.delta[t]);
          if (pre) raw_softplus(dt, given.get());
          else mpfr_set(dt.get(), given.get(), MPFR_RNDN);
          for (std::size_t s = 0; s < m.state; ++s) {
            const std::size_t i = t * m.state + s;
            // a = exp(Δ A): the product rounded, then exp rounded.
            MpfrNumber a(200), b(200);
            const MpfrNumber A = raw.from(m.A[s]), B = raw.from(m.B[i]);
            mpfr_mul(a.get(), dt.get(), A.get(), MPFR_RNDN);
            mpfr_exp(a.get(), a.get(), MPFR_RNDN);
            BOOST_TEST(same(p.a[i], a), "a at t = " << t << ", s = " << s);
            if (how == Discretization::euler) {
              mpfr_mul(b.get(), dt.get(), B.get(), MPFR_RNDN);  // b = Δ B
            } else {
              mpfr_sub_ui(b.get(), a.get(), 1, MPFR_RNDN);  // b = ((a - 1) / A) B
              mpfr_div(b.get(), b.get(), A.get(), MPFR_RNDN);
              mpfr_mul(b.get(), b.get(), B.get(), MPFR_RNDN);
            }
            BOOST_TEST(same(p.b[i], b), "b at t = " << t << ", s = " << s);
            // The decay is in (0, 1), and ZOH's b has the sign of B ((a - 1) / A > 0).
            BOOST_TEST((mpfr_cmp_ui(a.get(), 0) > 0 && mpfr_cmp_ui(a.get(), 1) < 0));
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(softplus_threshold) {
  const arith::MpfrArith ar(200);
  // Above 20 the input itself, exactly (no log(1 + exp(x)) rounding).
  for (const Rational& x : {Rational(21), Rational(41, 2), Rational(20) + pow2(-150), Rational(1000000)}) {
    BOOST_TEST(ar.to_rational(models::softplus(ar, ar.from_rational(x))) == ar.to_rational(ar.from_rational(x)), to_string(x));
  }
  // At 20 and below, log(1 + e^x) rounded per operation: e^20 ~ 4.9e8, so 20 + 2e-9 != 20.
  for (const Rational& x : {Rational(20), Rational(0), Rational(-30), Rational(7, 3)}) {
    MpfrNumber expected(200);
    const MpfrNumber given = Raw(200).from(x);
    raw_softplus(expected, given.get());
    BOOST_TEST(same(models::softplus(ar, ar.from_rational(x)), expected), to_string(x));
  }
  BOOST_TEST(ar.to_rational(models::softplus(ar, ar.from_int(20))) != Rational(20));
  BOOST_TEST(ar.to_rational(models::softplus(ar, ar.from_int(20))) > Rational(20));

  // Intervals: a point above 20 is returned as it is; at 20 the enclosure holds log(1 + e^20).
  const arith::IntervalArith iv(128);
  const auto above = models::softplus(iv, iv.from_int(21));
  BOOST_TEST(iv.lower(above) == Rational(21));
  BOOST_TEST(iv.upper(above) == Rational(21));
  MpfrNumber at20(1000);
  const MpfrNumber twenty = Raw(1000).from(Rational(20));
  raw_softplus(at20, twenty.get());
  const auto enclosure = models::softplus(iv, iv.from_int(20));
  const Rational reference = at20.to_rational(), slack = pow2(-900) * 32;
  BOOST_TEST((iv.lower(enclosure) <= reference + slack && reference - slack <= iv.upper(enclosure)));
  BOOST_TEST(iv.width(enclosure) < 1e-30);
}

// Regression: softplus(x) for ln(max finite) < x <= 20 used to compute exp(x) first, which
// overflows a short format although softplus(x) ~ x is representable (fp16: softplus(15) was inf).
BOOST_AUTO_TEST_CASE(softplus_does_not_overflow_in_short_formats) {
  struct Case {
    const char* format;
    long x;  // above ln(max finite), representable
  };
  // ln(max finite): fp16 11.09, e5m2 10.96, e4m3 6.10.
  for (const Case c : {Case{"fp16", 12}, Case{"fp16", 15}, Case{"e5m2", 12}, Case{"e5m2", 14}, Case{"e4m3", 8}, Case{"e4m3", 15}}) {
    const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision(c.format).spec).format);
    const auto y = models::softplus(ar, ar.from_int(c.x));
    // softplus(x) = x + log(1 + e^-x), within e^-x of x, far below half an ulp of x: rounds to x.
    BOOST_TEST((ar.is_finite(y) && ar.to_rational(y) == Rational(c.x)), "softplus(" << c.x << ") in " << c.format << " = " << y.value());
  }
}

// Regression: softplus is x for x > 20 and log(1 + e^x) otherwise (transcendental.hpp). An
// interval straddling 20 used to get log(1 + e^x) alone, which misses f(x') = x' for
// 20 < x' < log(1 + e^20) ~ 20 + 2.1e-9: not an enclosure. Now the hull of both.
BOOST_AUTO_TEST_CASE(interval_softplus_encloses_the_thresholded_function_across_20) {
  const arith::IntervalArith iv(128);
  const arith::Interval third = iv.from_rational(Rational(1, 3)), other_third = iv.from_rational(Rational(1, 3));
  const arith::Interval x = iv.from_int(20) + (third - other_third);  // [20 - w, 20 + w], w ~ 2^-129
  BOOST_TEST_REQUIRE(iv.lower(x) < Rational(20));
  BOOST_TEST_REQUIRE(iv.upper(x) > Rational(20));
  const Rational inside = (Rational(20) + iv.upper(x)) / 2;  // a point of x above 20: f(inside) = inside
  const arith::Interval y = models::softplus(iv, x);
  BOOST_TEST(iv.contains(y, inside), "softplus([" << to_string(iv.lower(x)) << ", " << to_string(iv.upper(x)) << "]) = [" << to_string(iv.lower(y))
                                                  << ", " << to_string(iv.upper(y)) << "] misses f(" << to_string(inside) << ")");
}

BOOST_AUTO_TEST_CASE(interval128_discretization_encloses_the_1000_bit_values) {
  const arith::IntervalArith ar(128);
  Rng rng(testing::seed() + 53);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(20), 4);
  for (std::uint64_t it = 0; it < count; ++it) {
    const bool pre = it % 2 == 1;
    const MambaChannel<Rational> m = random_channel(rng, static_cast<std::size_t>(rng.uniform(1, 5)), static_cast<std::size_t>(rng.uniform(1, 3)), pre);
    for (const Discretization how : {Discretization::euler, Discretization::zoh}) {
      BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << name_of(how) << ", " << show(m)) {
        const auto p = models::discretize(ar, to_arithmetic(ar, m), how);
        // The 1000-bit values are within 2^-900 (1 + |v|) of the exact ones.
        auto encloses = [&](const arith::Interval& x, const Rational& v) {
          const Rational slack = pow2(-900) * (1 + (v < 0 ? Rational(-v) : v));
          return ar.lower(x) <= v + slack && v - slack <= ar.upper(x) && ar.width(x) < 1e-25;
        };
        for (std::size_t t = 0; t < m.length; ++t) {
          MpfrNumber dt(1000);
          const MpfrNumber given = Raw(1000).from(m.delta[t]);
          if (pre) raw_softplus(dt, given.get());
          else mpfr_set(dt.get(), given.get(), MPFR_RNDN);
          for (std::size_t s = 0; s < m.state; ++s) {
            const std::size_t i = t * m.state + s;
            MpfrNumber a(1000), b(1000);
            const MpfrNumber A = Raw(1000).from(m.A[s]), B = Raw(1000).from(m.B[i]);
            mpfr_mul(a.get(), dt.get(), A.get(), MPFR_RNDN);
            mpfr_exp(a.get(), a.get(), MPFR_RNDN);
            BOOST_TEST(encloses(p.a[i], a.to_rational()), "a at t = " << t << ", s = " << s);
            if (how == Discretization::euler) {
              if (!pre) {
                // Δ B is rational: the enclosure must contain it exactly.
                BOOST_TEST(ar.contains(p.b[i], m.delta[t] * m.B[i]), "b at t = " << t << ", s = " << s);
              }
              mpfr_mul(b.get(), dt.get(), B.get(), MPFR_RNDN);
            } else {
              mpfr_sub_ui(b.get(), a.get(), 1, MPFR_RNDN);
              mpfr_div(b.get(), b.get(), A.get(), MPFR_RNDN);
              mpfr_mul(b.get(), b.get(), B.get(), MPFR_RNDN);
            }
            BOOST_TEST(encloses(p.b[i], b.to_rational()), "b at t = " << t << ", s = " << s);
          }
        }
      }
    }
  }
}

namespace {

// The discretization in a binary format, by the oracle: each operation rounded once.
struct Discretized {
  std::vector<Rational> a, b;
};

Discretized reference_discretize(testing::RoundingOracle& o, const MambaChannel<Rational>& m, Discretization how) {
  Discretized d;
  for (std::size_t t = 0; t < m.length; ++t) {
    const Rational given = o.round(m.delta[t]);
    Rational dt = given;  // softplus as transcendental.hpp defines it, each operation rounded
    if (m.delta_is_preactivation && !(given > 20))
      dt = given > 0 ? o.add(given, o.log(o.add(1, o.exp(-given)))) : o.log(o.add(1, o.exp(given)));
    for (std::size_t s = 0; s < m.state; ++s) {
      const Rational A = o.round(m.A[s]), B = o.round(m.B[t * m.state + s]);
      const Rational a = o.exp(o.mul(dt, A));
      d.a.push_back(a);
      d.b.push_back(how == Discretization::euler ? o.mul(dt, B) : o.mul(o.div(o.add(a, -1), A), B));
    }
  }
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(float_format_discretization_rounds_once_per_operation) {
  static_assert(arith::TranscendentalArithmetic<arith::SoftFloatArith>, "SoftFloatArith has exp and log");
  Rng rng(testing::seed() + 54);
  for (const testing::BinaryFormat& format : {testing::kFp32, testing::kFp16, testing::kBf16}) {
    const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision(format.name).spec).format);
    testing::RoundingOracle o(format);
    const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(40), 8);
    for (std::uint64_t it = 0; it < count; ++it) {
      const MambaChannel<Rational> m = random_channel(rng, static_cast<std::size_t>(rng.uniform(1, 6)), static_cast<std::size_t>(rng.uniform(1, 4)), it % 2 == 1);
      for (const Discretization how : {Discretization::euler, Discretization::zoh}) {
        BOOST_TEST_CONTEXT("seed " << testing::seed() << ", " << format.name << ", iteration " << it << ", " << name_of(how) << ", " << show(m)) {
          const auto p = models::discretize(ar, to_arithmetic(ar, m), how);
          const Discretized expected = reference_discretize(o, m, how);
          BOOST_TEST(to_rationals(ar, p.a) == expected.a, boost::test_tools::per_element());
          BOOST_TEST(to_rationals(ar, p.b) == expected.b, boost::test_tools::per_element());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gate_is_y_times_silu_rounded_per_operation) {
  Rng rng(testing::seed() + 55);
  std::vector<Rational> y, z;
  for (int i = 0; i < 40; ++i) {
    y.push_back(rng.rational(3, 7));
    z.push_back(rng.rational(8, 7));
  }
  z.push_back(0);  // silu(0) = 0
  y.push_back(5);
  // mpfr200 against raw MPFR: out = y (z / (1 + e^-z)).
  {
    const arith::MpfrArith ar(200);
    const auto yv = from_rationals(ar, y), zv = from_rationals(ar, z);
    const auto out = models::gate(ar, std::span(yv), std::span(zv));
    BOOST_TEST_REQUIRE(out.size() == y.size());
    for (std::size_t t = 0; t < y.size(); ++t) {
      MpfrNumber r(200);
      const MpfrNumber zr = Raw(200).from(z[t]), yr = Raw(200).from(y[t]);
      mpfr_neg(r.get(), zr.get(), MPFR_RNDN);
      mpfr_exp(r.get(), r.get(), MPFR_RNDN);
      mpfr_add_ui(r.get(), r.get(), 1, MPFR_RNDN);
      mpfr_div(r.get(), zr.get(), r.get(), MPFR_RNDN);
      mpfr_mul(r.get(), yr.get(), r.get(), MPFR_RNDN);
      BOOST_TEST(same(out[t], r), "y = " << to_string(y[t]) << ", z = " << to_string(z[t]));
    }
    BOOST_TEST(ar.to_rational(out.back()) == 0);
  }
  // fp32, fp16 against the oracle.
  for (const testing::BinaryFormat& format : {testing::kFp32, testing::kFp16}) {
    const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision(format.name).spec).format);
    testing::RoundingOracle o(format);
    const auto yv = from_rationals(ar, y), zv = from_rationals(ar, z);
    const auto out = models::gate(ar, std::span(yv), std::span(zv));
    for (std::size_t t = 0; t < y.size(); ++t) {
      const Rational zr = o.round(z[t]);
      const Rational expected = o.mul(o.round(y[t]), o.div(zr, o.add(1, o.exp(-zr))));
      BOOST_TEST(ar.to_rational(out[t]) == expected, format.name << ", y = " << to_string(y[t]) << ", z = " << to_string(z[t]));
    }
  }
  const arith::MpfrArith ar(53);
  const auto two = from_rationals(ar, {1, 2}), three = from_rationals(ar, {1, 2, 3});
  BOOST_CHECK_THROW(models::gate(ar, std::span(two), std::span(three)), UsageError);
}

BOOST_AUTO_TEST_CASE(discretize_shape_errors) {
  const arith::MpfrArith ar(53);
  Rng rng(testing::seed() + 56);
  const MambaChannel<Rational> good = random_channel(rng, 3, 2, false);
  BOOST_CHECK_NO_THROW(models::discretize(ar, to_arithmetic(ar, good), Discretization::euler));
  MambaChannel<Rational> bad = good;
  bad.A.pop_back();
  BOOST_CHECK_THROW(models::discretize(ar, to_arithmetic(ar, bad), Discretization::euler), UsageError);
  bad = good;
  bad.delta.push_back(1);
  BOOST_CHECK_THROW(models::discretize(ar, to_arithmetic(ar, bad), Discretization::zoh), UsageError);
  bad = good;
  bad.C.pop_back();
  BOOST_CHECK_THROW(models::discretize(ar, to_arithmetic(ar, bad), Discretization::euler), UsageError);
}
