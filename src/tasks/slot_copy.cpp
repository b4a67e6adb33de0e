#include "tasks/slot_copy.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <variant>

#include "arith/errors.hpp"
#include "core/time_cap.hpp"
#include "io/memory.hpp"

namespace freelunch::tasks {

std::string to_string(Compensation c) {
  switch (c) {
    case Compensation::idealized: return "idealized";
    case Compensation::query: return "query";
    case Compensation::balanced: return "balanced";
  }
  return "";
}

Compensation parse_compensation(const std::string& text) {
  if (text == "idealized") return Compensation::idealized;
  if (text == "query") return Compensation::query;
  if (text == "balanced") return Compensation::balanced;
  throw UsageError("unknown compensation split '" + text + "'; valid: query, balanced, idealized");
}

SlotCopyLayer::SlotCopyLayer(CopySchedule schedule, Rational decay, Compensation split, std::optional<std::size_t> state)
    : schedule_(std::move(schedule)), decay_(std::move(decay)), split_(split) {
  if (state && *state == 0) throw UsageError("the state size n must be at least 1");
  if (decay_ <= 0 || decay_ > 1) throw UsageError("decay " + freelunch::to_string(decay_) + " is outside (0, 1]");
  if (split_ == Compensation::idealized && decay_ != 1) throw UsageError("the idealized layer has decay exactly 1");
  // One slot per distinct source; κ_j from the longest distance that reads j.
  slot_of_.assign(schedule_.length, kNone);
  kappa_.assign(schedule_.length, 0);
  std::vector<std::size_t> longest(schedule_.length, 0);
  for (std::size_t k = 0; k < schedule_.outputs.size(); ++k) {
    const std::size_t j = schedule_.sources[k];
    longest[j] = std::max(longest[j], schedule_.distance(k));
    if (slot_of_[j] == kNone && (!state || slots_ < *state)) slot_of_[j] = slots_++;
  }
  state_ = state ? *state : std::max<std::size_t>(slots_, 1);
  if (split_ == Compensation::balanced)
    for (std::size_t j = 0; j < schedule_.length; ++j) kappa_[j] = static_cast<long>((longest[j] + 1) / 2);
}

Rational SlotCopyLayer::power(long e) const {
  auto it = powers_.find(e);
  if (it != powers_.end()) return it->second;
  const Rational p = e >= 0 ? pow(decay_, static_cast<unsigned long>(e)) : Rational(1 / pow(decay_, static_cast<unsigned long>(-e)));
  powers_.emplace(e, p);
  return p;
}

long SlotCopyLayer::query_exponent(std::size_t k) const {
  return kappa_[schedule_.sources[k]] - static_cast<long>(schedule_.distance(k));
}

Rational SlotCopyLayer::query(std::size_t k) const { return power(query_exponent(k)); }

models::ScanParams<Rational> SlotCopyLayer::dense() const {
  const std::size_t n = state_;
  const std::size_t length = schedule_.length;
  models::ScanParams<Rational> p{length, n, models::DecayKind::scalar,
                                 std::vector<Rational>(length, decay_),
                                 std::vector<Rational>(length * n, Rational(0)),
                                 std::vector<Rational>(length * n, Rational(0)), std::nullopt};
  for (std::size_t j = 0; j < length; ++j)
    if (is_source(j) && schedule_.input_positions[j]) p.b[j * n + slot_of_[j]] = key(j);
  for (std::size_t k = 0; k < schedule_.outputs.size(); ++k)
    if (served(k)) p.c[schedule_.outputs[k] * n + slot_of_[schedule_.sources[k]]] = query(k);
  return p;
}

models::SparseScalarScan SlotCopyLayer::sparse() const {
  const std::size_t length = schedule_.length;
  models::SparseScalarScan p{length, state_, std::vector<Rational>(length, decay_), std::vector<std::vector<models::SparseEntry>>(length),
                             std::vector<std::vector<models::SparseEntry>>(length), std::nullopt};
  for (std::size_t j = 0; j < length; ++j)
    if (is_source(j) && schedule_.input_positions[j]) p.b[j].push_back({slot_of_[j], key(j)});
  for (std::size_t k = 0; k < schedule_.outputs.size(); ++k)
    if (served(k)) p.c[schedule_.outputs[k]].push_back({slot_of_[schedule_.sources[k]], query(k)});
  return p;
}

SlotCopyEstimate estimate_slot_copy(const SlotCopyLayer& layer, const ValueSet& value_set, const arith::Precision& p) {
  const CopySchedule& s = layer.schedule();
  std::map<long, std::size_t> longest;  // κ -> the longest distance read
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    if (!layer.served(k)) continue;
    std::size_t& d = longest[layer.key_exponent(s.sources[k])];
    d = std::max(d, s.distance(k));
  }
  const std::vector<Rational> values = value_set.values();
  double count = 0, bytes = 0, largest_bits = 0;
  const bool exact = std::holds_alternative<arith::ExactSpec>(p.spec);
  const Rational& a = layer.decay();
  // Bits a product with a adds: none for a power of two (dyadic path: an exponent shift), the
  // odd numerator's for another dyadic, numerator and denominator for other rationals.
  const Integer num = boost::multiprecision::numerator(a), den = boost::multiprecision::denominator(a);
  const bool dyadic = (den & (den - 1)) == 0;
  const double growth = dyadic ? (num == 1 ? 0.0 : static_cast<double>(boost::multiprecision::msb(num) + 1))
                               : static_cast<double>(io::bit_size(a));
  double value_bits = 0;
  for (const Rational& v : values) value_bits = std::max(value_bits, static_cast<double>(io::bit_size(v)));
  const double set_size = static_cast<double>(values.size());
  std::map<long, double> first_bits;  // κ -> bits of key x value, where its chain starts
  double seconds = 0;
  for (const auto& [kappa, d_max] : longest) {
    const double chain = set_size * static_cast<double>(d_max + 1);
    count += chain;
    if (!exact) continue;
    const double first = static_cast<double>(io::bit_size(layer.power(-kappa))) + value_bits;
    first_bits[kappa] = first;
    const double last = first + growth * static_cast<double>(d_max);
    largest_bits = std::max(largest_bits, last);
    bytes += chain * (64 + (first + last) / 2 / 8);  // an mpq_t with its limbs, the mean size along the chain
    // The chain's products, of sizes first .. last: their cost by the mean size (cost is convex,
    // so this errs low, as a time estimate may; the deadline backs it).
    seconds += chain * exact_op_seconds((first + last) / 2, static_cast<double>(io::bit_size(a)));
  }
  // Read-outs: a product and about three exact operations (conversion, difference, comparison).
  // In exact arithmetic query x chain is the value itself: GMP's product cancels first (gcds),
  // which on these powers of one decay costs about a linear pass over the chain value (measured:
  // 2.5 s for --L 16384 --decay 999999/1000000), so they are counted with the value's size.
  std::size_t served = 0;
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    if (!layer.served(k)) continue;
    ++served;
    if (exact)
      seconds += set_size * 4 *
                 exact_op_seconds(first_bits[layer.key_exponent(s.sources[k])] + growth * static_cast<double>(s.distance(k)),
                                  value_bits);
  }
  const double reads = set_size * static_cast<double>(served);
  if (!exact) seconds = (count + reads) * value_op_seconds(p) + reads * 3 * exact_op_seconds(64);
  if (!exact) bytes = count * io::value_bytes(p);
  char what[200];
  if (exact)
    std::snprintf(what, sizeof what, "%.3g exact slot states for %zu key exponents, up to %.3g bits each", count, longest.size(), largest_bits);
  else
    std::snprintf(what, sizeof what, "%.3g slot states of %s in %s", count, io::format_bytes(io::value_bytes(p)).c_str(), p.name.c_str());
  char time_what[200];
  std::snprintf(time_what, sizeof time_what, "%.3g chain values and %.3g read-outs in %s", count, reads, p.name.c_str());
  return {bytes, what, {seconds, time_what}};
}

}  // namespace freelunch::tasks
