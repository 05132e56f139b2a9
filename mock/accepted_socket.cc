#include "mock/accepted_socket.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace servebench::mock {
namespace {

thread_local int t_just_accepted = -1;
thread_local int t_connection_socket = -1;

int PortOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return -1;
}

}  // namespace

static void NoteJustAccepted(int fd) { t_just_accepted = fd; }

int TakeJustAccepted() {
  const int fd = t_just_accepted;
  t_just_accepted = -1;
  return fd;
}

void SetConnectionSocket(int fd) { t_connection_socket = fd; }

int ConnectionSocket(int local_port, int remote_port) {
  const int fd = t_connection_socket;
  if (fd < 0) return -1;
  sockaddr_storage local{}, remote{};
  socklen_t local_size = sizeof local, remote_size = sizeof remote;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_size) != 0) {
    return -1;
  }
  return PortOf(local) == local_port && PortOf(remote) == remote_port ? fd : -1;
}

}  // namespace servebench::mock

// The wrapper: the executable's accept() comes before libc's in symbol lookup, so cpp-httplib's
// calls land here; the real accept() is the next definition.
extern "C" int accept(int fd, sockaddr* address, socklen_t* size) {
  using Accept = int (*)(int, sockaddr*, socklen_t*);
  static const Accept real = reinterpret_cast<Accept>(dlsym(RTLD_NEXT, "accept"));
  const int accepted = real(fd, address, size);
  servebench::mock::NoteJustAccepted(accepted);
  return accepted;
}
