#pragma once
// A dense row-major matrix over any value type: the storage of sequence matrices and blocks.
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace freelunch::linalg {

template <class V>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, const V& fill) : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  V& operator()(std::size_t i, std::size_t j) { return data_[i * cols_ + j]; }
  const V& operator()(std::size_t i, std::size_t j) const { return data_[i * cols_ + j]; }

  // The block of rows [r0, r1) and columns [c0, c1).
  Matrix block(std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) const {
    Matrix out;
    out.rows_ = r1 - r0;
    out.cols_ = c1 - c0;
    out.data_.reserve(out.rows_ * out.cols_);
    for (std::size_t i = r0; i < r1; ++i)
      for (std::size_t j = c0; j < c1; ++j) out.data_.push_back((*this)(i, j));
    return out;
  }

  // Applies f to every entry: the conversion between arithmetics (e.g. to exact rationals).
  template <class F>
  auto map(F&& f) const {
    using W = decltype(f(data_[0]));
    Matrix<W> out(rows_, cols_, W{});
    for (std::size_t i = 0; i < rows_; ++i)
      for (std::size_t j = 0; j < cols_; ++j) out(i, j) = f((*this)(i, j));
    return out;
  }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<V> data_;
};

// The first (row, column) where two matrices of the same shape differ, in row-major order.
template <class V>
std::optional<std::pair<std::size_t, std::size_t>> first_difference(const Matrix<V>& a, const Matrix<V>& b) {
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j)
      if (!(a(i, j) == b(i, j))) return std::make_pair(i, j);
  return std::nullopt;
}

}  // namespace freelunch::linalg
