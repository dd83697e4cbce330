// The shared libannals (cmake/AnnalsPackage.cmake) is the static
// annals_engine linked whole; CMake needs one source of its own to build it.
namespace annals::internal {
extern const char kSharedLibrary[] = "annals";
}  // namespace annals::internal
