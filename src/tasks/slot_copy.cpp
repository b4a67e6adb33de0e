#include "tasks/slot_copy.hpp"

#include <algorithm>

#include "arith/errors.hpp"

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

}  // namespace freelunch::tasks
