#pragma once
// Runs independent instances on K threads and returns their results in index order, so the
// output does not depend on K. Work starts from the last index: grids listed from small to large
// start their largest instances first, which balances the threads. Requires MPFR's per-thread state (checked by the caller through
// arith::mpfr_is_thread_safe()).
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "arith/mpfr_guard.hpp"
#include "core/cancel.hpp"

namespace freelunch {

template <class R>
std::vector<R> parallel_map(std::size_t count, unsigned jobs, const std::function<R(std::size_t)>& f,
                            const std::function<void(std::size_t done)>& on_done = {}) {
  std::vector<std::optional<R>> slots(count);
  std::atomic<std::size_t> taken{0};
  std::atomic<std::size_t> done{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t k = taken++; k < count; k = taken++) {
      const std::size_t i = count - 1 - k;
      try {
        throw_if_cancelled();
        slots[i] = f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      const std::size_t d = ++done;
      if (on_done) {
        std::lock_guard<std::mutex> lock(error_mutex);
        on_done(d);
      }
    }
  };
  std::vector<std::thread> threads;
  const unsigned k = jobs == 0 ? 1 : jobs;
  for (unsigned t = 1; t < k && t < count; ++t)
    threads.emplace_back([&] {
      worker();
      arith::mpfr_release_thread_caches();
    });
  worker();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  std::vector<R> out;
  out.reserve(count);
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace freelunch
