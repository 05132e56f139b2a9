// Errors as values: parsers and loaders return Expected<T>; only the CLI turns an Error into a
// message and an exit code.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace servebench::base {

struct Error {
  std::string message;  // one line, naming the place and the fix
};

template <class T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}
  Expected(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Ok {};
using Status = Expected<Ok>;

inline Error MakeError(std::string message) { return Error{std::move(message)}; }

}  // namespace servebench::base
