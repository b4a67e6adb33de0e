#include "dp/stream.hpp"

#include "arith/errors.hpp"

namespace freelunch::dp {

Stream::Stream(Layout layout, std::size_t steps) : layout_(layout), steps_(steps) {
  if (steps == 0) throw UsageError("a chain of thought needs T >= 1");
}

std::size_t Stream::input_position(std::size_t i) const { return layout_ == Layout::blocks ? i : 2 * i - 1; }
std::size_t Stream::value_position(std::size_t i) const { return layout_ == Layout::blocks ? steps_ + i : 2 * i; }

std::size_t Stream::position(const Dependency& d) const {
  if (d.index <= 0) return 0;
  const auto i = static_cast<std::size_t>(d.index);
  return d.kind == Dependency::Kind::input ? input_position(i) : value_position(i);
}

std::size_t Stream::step_at(std::size_t t) const {
  if (layout_ == Layout::blocks) return t > steps_ ? t - steps_ : 0;
  return t > 0 && t % 2 == 0 ? t / 2 : 0;
}

}  // namespace freelunch::dp
