#include "models/storage.hpp"

#include "arith/errors.hpp"
#include "arith/arithmetic.hpp"
#include "arith/precision.hpp"

namespace freelunch::models {

Rational through_storage(const Rational& q, const RoundingSemantics& sem) {
  if (!sem.storage) return q;
  return arith::with_arithmetic(*sem.storage, [&](const auto& ar) -> Rational {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A>) {
      const auto v = ar.from_rational(q);
      if (!ar.is_finite(v)) throw UsageError("value " + to_string(q) + " is not finite in storage format " + ar.name());
      return ar.to_rational(v);
    } else {
      throw UsageError("storage precision " + ar.name() + " must be a point arithmetic, not intervals");
    }
  });
}

}  // namespace freelunch::models
