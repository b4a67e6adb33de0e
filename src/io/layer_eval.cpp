#include "io/layer_eval.hpp"

#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

#include "arith/exact.hpp"
#include "core/cancel.hpp"
#include "core/time_cap.hpp"
#include "io/memory.hpp"
#include "linalg/rank.hpp"
#include "linalg/scan_rank_profile.hpp"
#include "models/sequence_matrix.hpp"

namespace freelunch::io {
namespace {

Rational abs_value(const Rational& q) { return q < 0 ? Rational(-q) : q; }

// The layer as a scan with exact parameters, when it is one: the scan itself, or linear attention
// as the scalar-decay scan with c = q, b = k and a = decay (1 without decay). A scan layer is
// referred to, never copied: its exact parameters can take gigabytes before a size estimate
// refuses them.
class ScanView {
 public:
  explicit ScanView(const LayerSpec& spec) {
    if (spec.kind() == LayerKind::scan) {
      scan_ = &std::get<models::ScanParams<Rational>>(spec.layer);
      return;
    }
    if (spec.kind() != LayerKind::linear_attention) return;
    const auto& la = std::get<models::LinearAttention<Rational>>(spec.layer);
    const std::size_t length = la.q.rows(), n = la.q.cols();
    owned_.emplace(models::ScanParams<Rational>{length, n, models::DecayKind::scalar,
                                                la.decay ? *la.decay : std::vector<Rational>(length, Rational(1)), {}, {}, std::nullopt});
    for (std::size_t t = 0; t < length; ++t)
      for (std::size_t s = 0; s < n; ++s) {
        owned_->b.push_back(la.k(t, s));
        owned_->c.push_back(la.q(t, s));
      }
    scan_ = &*owned_;
  }
  ScanView(const ScanView&) = delete;
  ScanView& operator=(const ScanView&) = delete;

  explicit operator bool() const { return scan_ != nullptr; }
  const models::ScanParams<Rational>& operator*() const { return *scan_; }
  const models::ScanParams<Rational>* operator->() const { return scan_; }

 private:
  std::optional<models::ScanParams<Rational>> owned_;
  const models::ScanParams<Rational>* scan_ = nullptr;
};

double bits(const Rational& q) { return static_cast<double>(bit_size(q)); }

constexpr double kRationalBytes = 64;  // an mpq_t with its two limb allocations

// Bytes of the exact parameters and input.
double parameter_bytes(const LayerSpec& spec, std::size_t& count) {
  double total = 0;
  count = 0;
  auto add = [&](const std::vector<Rational>& qs) {
    for (const Rational& q : qs) total += kRationalBytes + bits(q) / 8;
    count += qs.size();
  };
  auto add_matrix = [&](const linalg::Matrix<Rational>& m) {
    for (std::size_t i = 0; i < m.rows(); ++i)
      for (std::size_t j = 0; j < m.cols(); ++j) total += kRationalBytes + bits(m(i, j)) / 8;
    count += m.rows() * m.cols();
  };
  add(spec.input);
  switch (spec.kind()) {
    case LayerKind::scan: {
      const auto& p = std::get<models::ScanParams<Rational>>(spec.layer);
      add(p.a), add(p.b), add(p.c);
      break;
    }
    case LayerKind::mamba: {
      const auto& m = std::get<MambaLayer>(spec.layer);
      add(m.channel.delta), add(m.channel.A), add(m.channel.B), add(m.channel.C);
      if (m.gate) add(*m.gate);
      break;
    }
    case LayerKind::linear_attention: {
      const auto& la = std::get<models::LinearAttention<Rational>>(spec.layer);
      add_matrix(la.q), add_matrix(la.k), add_matrix(la.v);
      if (la.decay) add(*la.decay);
      break;
    }
    case LayerKind::softmax_attention: {
      const auto& sa = std::get<models::SoftmaxAttention<Rational>>(spec.layer);
      add_matrix(sa.q), add_matrix(sa.k), add_matrix(sa.v);
      break;
    }
  }
  return total;
}

// Bytes of one value of a non-exact arithmetic.

// Size bounds of the exact values a run creates (docs/layer-json.md, "Memory").
//  - Dyadic data (exact's dyadic path stores m 2^e, e = -log2 of the denominator, without
//    normalising): (hi, lo) with |x| <= 2^hi and e >= lo; the mantissa has at most
//    floor(hi - lo) + 1 bits. Products add both; a sum has hi <= log2(2^hi1 + 2^hi2) and the
//    smaller lo (DyadicArith adds on the smaller exponent). Zero has hi = -inf.
//  - Other rationals: hi = bits(numerator) + bits(denominator), lo = 0; bits(x y) <= bits(x) +
//    bits(y) and bits(x + y) <= bits(x) + bits(y) + 1.
struct SizeBound {
  double hi = 0;
  double lo = 0;
};

class SizeModel {
 public:
  explicit SizeModel(bool dyadic) : dyadic_(dyadic) {}
  bool dyadic() const { return dyadic_; }

  SizeBound of(const Rational& q) const {
    if (!dyadic_) return {io::bits(q), 0};
    const double e = -static_cast<double>(boost::multiprecision::msb(Integer(boost::multiprecision::denominator(q))));
    if (q == 0) return {-std::numeric_limits<double>::infinity(), e};
    mpfr_t x;  // log2 |q|, rounded up
    mpfr_init2(x, 64);
    mpfr_set_q(x, q.backend().data(), MPFR_RNDA);
    mpfr_abs(x, x, MPFR_RNDU);
    mpfr_log2(x, x, MPFR_RNDU);
    const double hi = mpfr_get_d(x, MPFR_RNDU);
    mpfr_clear(x);
    return {hi, e};
  }
  SizeBound product(const SizeBound& x, const SizeBound& y) const {
    return dyadic_ ? SizeBound{x.hi + y.hi, x.lo + y.lo} : SizeBound{x.hi + y.hi, 0};
  }
  SizeBound sum(const SizeBound& x, const SizeBound& y) const {
    if (!dyadic_) return {x.hi + y.hi + 1, 0};
    const double top = std::max(x.hi, y.hi), low = std::min(x.hi, y.hi);
    const double hi = std::isinf(low) ? top : top + std::log2(1 + std::exp2(low - top)) + 1e-9;
    return {hi, std::min(x.lo, y.lo)};
  }
  // The bits of the value's representation.
  double bits(const SizeBound& x) const { return dyadic_ ? (std::isinf(x.hi) ? 1 : std::max(1.0, std::floor(x.hi - x.lo) + 1)) : x.hi; }
  // Zero's hi replaced by 0 (|0| <= 1), for sums of bounds.
  SizeBound bounded(const SizeBound& x) const { return {std::isinf(x.hi) ? 0 : x.hi, x.lo}; }

 private:
  bool dyadic_;
};

double parameter_bytes_of(const models::ScanParams<Rational>& p) {
  double total = 0;
  for (const auto* values : {&p.a, &p.b, &p.c})
    for (const Rational& q : *values) total += kRationalBytes + bits(q) / 8;
  return total;
}

bool all_dyadic(const models::ScanParams<Rational>& p, const std::vector<Rational>& input) {
  auto dyadic = [](const std::vector<Rational>& qs) { return std::all_of(qs.begin(), qs.end(), [](const Rational& q) { return is_dyadic(q); }); };
  return dyadic(p.a) && dyadic(p.b) && dyadic(p.c) && dyadic(input) && (!p.skip || is_dyadic(*p.skip));
}

// The dense profile (open blocks at N <= kDenseRankLength): the exact sequence matrix and the
// blocks: 4 copies (the matrix, its rational copy, a block, FLINT's integer copy).
MemoryEstimate dense_rank_profile_memory(const models::ScanParams<Rational>& scan) {
  const models::ScanParams<Rational>* p = &scan;
  const std::size_t length = p->length, n = p->state;
  const SizeModel model(all_dyadic(*p, {}));
  // Entry (i, j), j <= i, is Σ_s c_i[s] (Π_{k=j+1..i} a_k[s]) b_j[s]. Per step the largest size of
  // c_i, a_i, b_i over the states (and, for dyadic bounds, the smallest exponent) bound every
  // term; the decays enter through prefix sums A(i) = Σ_{k<=i} a_k, so that the sum over j <= i of
  // the entry bounds is linear in per-i and per-j terms.
  //   rational: bits <= n (C(i) + A(i) - A(j) + B(j)) + n   (n terms of a sum)
  //   dyadic:   bits <= [HC(i) + HA(i) - HA(j) + HB(j) + log2 n] + 1 - [LC(i) + LA(i) - LA(j) + LB(j)]
  double ha = 0, la = 0, sum_j = 0, total_bits = 0;
  const double log_n = std::log2(static_cast<double>(n));
  for (std::size_t i = 0; i < length; ++i) {
    double hc = 0, lc = 0, hb = 0, lb = 0, hd = 0, ld = 0;
    for (std::size_t s = 0; s < n; ++s) {
      const SizeBound c = model.bounded(model.of(p->query(i, s))), b = model.bounded(model.of(p->key(i, s))),
                      a = model.bounded(model.of(p->decay(i, s)));
      hc = s == 0 ? c.hi : std::max(hc, c.hi), lc = s == 0 ? c.lo : std::min(lc, c.lo);
      hb = s == 0 ? b.hi : std::max(hb, b.hi), lb = s == 0 ? b.lo : std::min(lb, b.lo);
      hd = s == 0 ? a.hi : std::max(hd, a.hi), ld = s == 0 ? a.lo : std::min(ld, a.lo);
    }
    ha += hd, la += ld;
    const double per_i = model.dyadic() ? hc + ha + log_n + 1 - lc - la : static_cast<double>(n) * (hc + ha + 1);
    sum_j += model.dyadic() ? hb - ha - lb + la : static_cast<double>(n) * (hb - ha);
    total_bits += static_cast<double>(i + 1) * per_i + sum_j;
  }
  const double entries = static_cast<double>(length) * static_cast<double>(length);
  char what[200];
  std::snprintf(what, sizeof what, "4 copies of an exact %zu x %zu matrix of %.3g bits in all by a %s size bound", length, length, total_bits,
                model.dyadic() ? "dyadic" : "rational");
  return {4 * (entries * kRationalBytes + total_bits / 8), what};
}

// Enclosure endpoints nearer 0 than 2^-kTinyExponent are moved outward to 0 or to
// ±2^-kTinyExponent: still an enclosure, and a number of a few words instead of a rational with
// up to 2^30 bits (MPFR's underflow threshold, where silu(-1e12) and exp of a very negative
// logit land), which took minutes and gigabytes to compare and print.
constexpr long kTinyExponent = 16384;

}  // namespace

LayerRun run_layer(const arith::Precision& p, const LayerSpec& spec, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(p, [&](const auto& ar) -> LayerRun {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    ar.clear_flags();
    const std::vector<V> y = evaluate_layer(ar, spec, sem);
    LayerRun run;
    run.precision = ar.name();
    if constexpr (requires { ar.path(); }) run.exact_path = ar.path();
    for (const V& x : y) {
      throw_if_cancelled();
      if constexpr (requires { ar.lower_outward(x, kTinyExponent); }) {
        run.enclosure = true;
        const bool finite = ar.is_finite(x);
        run.lower.push_back(finite ? std::optional<Rational>(ar.lower_outward(x, kTinyExponent)) : std::nullopt);
        run.upper.push_back(finite ? std::optional<Rational>(ar.upper_outward(x, kTinyExponent)) : std::nullopt);
        run.nonfinite.push_back(finite ? "" : "unbounded");
      } else {
        if (ar.is_finite(x)) {
          const Rational q = ar.to_rational(x);
          run.lower.push_back(q);
          run.upper.push_back(q);
          run.nonfinite.emplace_back();
        } else {
          const V zero = ar.from_int(0);
          run.lower.push_back(std::nullopt);
          run.upper.push_back(std::nullopt);
          run.nonfinite.push_back(x > zero ? "inf" : x < zero ? "-inf" : "nan");
        }
      }
    }
    run.flags = ar.flags();
    return run;
  });
}

arith::Precision reference_precision(const LayerSpec& spec, const std::vector<arith::Precision>& requested) {
  if (!spec.needs_exp()) return arith::parse_precision("exact");
  long bits = 256;
  for (const arith::Precision& p : requested) {
    if (const auto* m = std::get_if<arith::MpfrSpec>(&p.spec)) bits = std::max(bits, m->precision + 64);
    if (const auto* i = std::get_if<arith::IntervalSpec>(&p.spec)) bits = std::max(bits, i->precision + 64);
    if (const auto* f = std::get_if<arith::FloatSpec>(&p.spec)) bits = std::max(bits, static_cast<long>(f->format.precision()) + 64);
  }
  return arith::parse_precision("interval" + std::to_string(bits));
}

Comparison compare_runs(const LayerRun& run, const LayerRun& reference) {
  Comparison c;
  for (std::size_t t = 0; t < run.length(); ++t) {
    throw_if_cancelled();
    if (!run.finite(t)) {
      if (!c.first_nonfinite) c.first_nonfinite = t;
      if (!c.first_step) c.first_step = t;
      continue;
    }
    const Rational& lo = *run.lower[t];
    const Rational& hi = *run.upper[t];
    if (hi - lo > c.max_width) c.max_width = hi - lo;
    if (!reference.finite(t)) {
      ++c.reference_nonfinite;
      continue;
    }
    const Rational& rlo = *reference.lower[t];
    const Rational& rhi = *reference.upper[t];
    // Every point of [lo, hi] against every point of [rlo, rhi].
    const Rational most = std::max(abs_value(hi - rlo), abs_value(rhi - lo));
    const Rational least = std::max({Rational(0), Rational(lo - rhi), Rational(rlo - hi)});
    if (most > c.max_deviation) {
      c.max_deviation = most;
      c.max_step = t;
    }
    const bool differs = run.enclosure || reference.enclosure ? least > 0 : most > 0;
    if (differs && !c.first_step) c.first_step = t;
  }
  return c;
}

ScheduleCheck check_schedule(const LayerRun& run, const tasks::CopySchedule& schedule, const std::vector<Rational>& input) {
  ScheduleCheck c;
  const Rational half(1, 2);
  std::optional<std::size_t> first_unknown;
  for (std::size_t k = 0; k < schedule.outputs.size(); ++k) {
    throw_if_cancelled();
    const std::size_t i = schedule.outputs[k];
    const Rational& target = input[schedule.sources[k]];
    arith::Tribool ok(false);
    if (run.finite(i)) {
      const Rational& lo = *run.lower[i];
      const Rational& hi = *run.upper[i];
      const Rational most = std::max(abs_value(hi - target), abs_value(target - lo));
      const Rational least = std::max({Rational(0), Rational(lo - target), Rational(target - hi)});
      if (most > c.max_error) c.max_error = most;
      ok = most < half ? arith::Tribool(true) : least >= half ? arith::Tribool(false) : arith::Tribool::unknown();
    }
    if (ok.is_false() && !c.first_failure) c.first_failure = k;
    if (ok.is_unknown() && !first_unknown) first_unknown = k;
    c.holds = c.holds && ok;
  }
  if (!c.first_failure) c.first_failure = first_unknown;
  return c;
}

RankProfile layer_rank_profile(const LayerSpec& spec, std::size_t max_length, std::uint64_t memory_cap,
                               const std::function<void(std::size_t)>& on_block) {
  RankProfile out;
  const ScanView p(spec);
  if (!p) {
    out.reason = spec.kind() == LayerKind::mamba
                     ? "the decays exp(delta A) are irrational; give the discretized (a, b, c) as a \"scan\" layer for exact ranks"
                     : "softmax attention is not linear in its input (its weights depend on the logits through exp); it has no sequence matrix";
    return out;
  }
  if (spec.length() > max_length) {
    out.reason = "N = " + std::to_string(spec.length()) + " is above " + std::to_string(max_length) +
                 ", the limit for the rank profile (raise it with --max-rank-length)";
    return out;
  }
  const MemoryEstimate need = estimate_rank_profile(spec).memory;
  if (need.bytes > static_cast<double>(memory_cap)) {
    out.reason = "it needs about " + format_bytes(need.bytes) + " (" + need.what + "), above the memory cap " +
                 format_bytes(static_cast<double>(memory_cap));
    return out;
  }
  const linalg::ScanRankBounds bounds = linalg::scan_rank_bounds(*p, kRankProjectionSeed, on_block);
  out.lower = bounds.lower;
  out.upper = bounds.upper;
  out.prime = bounds.prime;
  // Blocks the bounds leave open: dense exact ranks when N is small enough for them.
  std::vector<std::size_t> open;
  for (std::size_t r = 0; r < bounds.lower.size(); ++r)
    if (bounds.lower[r] != bounds.upper[r]) open.push_back(r + 1);
  if (!open.empty() && spec.length() <= kDenseRankLength) {
    const models::RoundingSemantics sem;
    arith::run_exact([&](const auto& ar) {
      using V = typename std::decay_t<decltype(ar)>::value_type;
      const auto m = models::sequence_matrix(ar, models::to_arithmetic(ar, *p, sem), sem).map([&](const V& x) { return ar.to_rational(x); });
      for (const std::size_t r : open) {
        throw_if_cancelled();
        out.lower[r - 1] = out.upper[r - 1] = linalg::rank(m.block(r, spec.length(), 0, r));
      }
      return 0;
    });
    out.dense_blocks = open.size();
  }
  out.computed = true;
  return out;
}

std::string RankProfile::method() const {
  std::string m = "modular lower bounds (p = " + std::to_string(prime) + ", a random projection) and structural upper bounds";
  if (dense_blocks > 0) m += "; " + std::to_string(dense_blocks) + " block" + (dense_blocks == 1 ? "" : "s") + " where they differ by dense exact elimination";
  return m;
}

RunEstimate estimate_run(const LayerSpec& spec, const arith::Precision& p) {
  std::size_t count = 0;
  const double params = parameter_bytes(spec, count);
  const std::size_t length = spec.length(), n = spec.state();
  const double N = static_cast<double>(length), nn = static_cast<double>(n);
  RunEstimate out;
  if (!std::holds_alternative<arith::ExactSpec>(p.spec)) {
    // Parameters in the arithmetic, Mamba's discretized a and b, state, outputs, softmax's logits and weights.
    double values = static_cast<double>(count) + nn + 2.0 * N;
    if (spec.kind() == LayerKind::mamba) values += 2.0 * N * nn;
    if (spec.kind() == LayerKind::softmax_attention) values += 2.0 * N;
    const double each = value_bytes(p);
    out.memory = {values * each, std::to_string(static_cast<unsigned long long>(values)) + " values of " + format_bytes(each) + " in " + p.name};
    // Operations: a scan step is a product, a product-sum and a read-out per state; Mamba adds
    // the discretization (an exp per state and step); causal softmax N (N + 1) / 2 logits of
    // d_k products, an exp and a weighted sum each.
    double ops = static_cast<double>(count) + 4.0 * N * nn;
    if (spec.kind() == LayerKind::mamba) ops += N * nn * (kTranscendentalOps + 4);
    if (spec.kind() == LayerKind::softmax_attention) ops = N * (N + 1) / 2 * (2.0 * nn + kTranscendentalOps + 3);
    char what[160];
    std::snprintf(what, sizeof what, "%.3g operations in %s", ops, p.name.c_str());
    out.time = {ops * value_op_seconds(p), what};
    out.output_bits = std::holds_alternative<arith::IntervalSpec>(p.spec) ? 2.0 * static_cast<double>(std::get<arith::IntervalSpec>(p.spec).precision) : 64;
    return out;
  }
  const ScanView scan(spec);
  if (!scan) {  // no exact run: the layer needs exp
    out.memory = {params, "the exact parameters"};
    return out;
  }
  // The recurrence on size bounds: state entries after each step, each output, summed over
  // outputs; each operation costs what an exact operation of its result's size costs.
  const SizeModel model(all_dyadic(*scan, spec.input));
  std::vector<SizeBound> h(n, model.of(Rational(0)));
  double outputs = 0, largest = 0, seconds = 0;
  // An operation's cost by its result's size and its smaller operand's.
  auto op = [&](const SizeBound& result, const SizeBound& x, const SizeBound& y) {
    seconds += exact_op_seconds(model.bits(result), std::min(model.bits(x), model.bits(y)), !model.dyadic());
    return result;
  };
  auto product = [&](const SizeBound& x, const SizeBound& y) { return op(model.product(x, y), x, y); };
  auto sum = [&](const SizeBound& x, const SizeBound& y) { return op(model.sum(x, y), x, y); };
  for (std::size_t t = 0; t < length; ++t) {
    const SizeBound u = model.of(spec.input[t]);
    std::optional<SizeBound> y;
    for (std::size_t s = 0; s < n; ++s) {
      h[s] = sum(product(model.of(scan->decay(t, s)), h[s]), product(model.of(scan->key(t, s)), u));
      const SizeBound term = product(model.of(scan->query(t, s)), h[s]);
      y = y ? sum(*y, term) : term;
    }
    if (scan->skip) y = sum(*y, product(model.of(*scan->skip), u));
    largest = std::max(largest, model.bits(*y));
    outputs += kRationalBytes + model.bits(*y) / 8;
  }
  double state = 0;
  for (const SizeBound& x : h) state += 2 * (kRationalBytes + model.bits(x) / 8);  // the state and one temporary per entry
  char what[200];
  std::snprintf(what, sizeof what, "exact outputs and state, N = %zu, n = %zu, up to %.3g bits per output by a %s size bound", length, n, largest,
                model.dyadic() ? "dyadic" : "rational");
  out.memory = {params + outputs + state, what};
  std::snprintf(what, sizeof what, "%.3g exact operations on numbers of up to %.3g bits", 5.0 * N * nn, largest);
  out.time = {seconds, what};
  out.output_bits = largest;
  return out;
}

RunEstimate estimate_rank_profile(const LayerSpec& spec) {
  const ScanView p(spec);
  if (!p) return {{0, "no sequence matrix"}, {0, "no sequence matrix"}};
  const double N = static_cast<double>(p->length), n = static_cast<double>(p->state);
  // Residues of every parameter (a pass over its words), the X_r (N n^2 words) and per block an
  // n x n product and elimination mod p; the exact upper bounds eliminate parameter rows of each
  // group until its rank is full (at most N |G|^2 operations on parameter-sized numbers, counted
  // as N n for the usual groups of one state).
  double largest_bits = 64;
  for (const auto* values : {&p->a, &p->b, &p->c})
    for (const Rational& q : *values) largest_bits = std::max(largest_bits, bits(q));
  RunEstimate out;
  char what[200];
  std::snprintf(what, sizeof what, "the rank profile: %.3g words mod p and the parameters", N * n * n + 3 * N * n);
  out.memory = {8 * (N * n * n + 3 * N * n) + 2 * parameter_bytes_of(*p), what};
  const double word_ops = N * (2 * n * n * n + 6 * n * n);
  out.time.seconds = 3 * N * n * exact_op_seconds(largest_bits, 64) + word_ops * 3e-9 + N * n * exact_op_seconds(largest_bits);
  std::snprintf(what, sizeof what, "the rank profile: %.3g word operations mod p and %.3g exact ones on up to %.3g bits", word_ops, N * n, largest_bits);
  out.time.what = what;
  if (p->length <= kDenseRankLength) {  // open blocks take the dense path: count its memory
    out.memory.bytes += dense_rank_profile_memory(*p).bytes;
  }
  return out;
}

}  // namespace freelunch::io
