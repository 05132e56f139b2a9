// cpp-httplib hands a route its request, never its socket, but the mock's stream writer must
// write to that socket. So the accept() cpp-httplib calls is wrapped: the listening thread notes
// the socket it has just accepted, the thread that serves the connection takes it over, and a
// route asks for it (and checks it against the request's addresses before use).
#pragma once

namespace servebench::mock {

// On the listening thread, right after accept(): the socket accepted, or -1.
int TakeJustAccepted();
// On the connection's own thread.
void SetConnectionSocket(int fd);
// The socket of the connection this thread serves, if it is the one joining these ports.
int ConnectionSocket(int local_port, int remote_port);

}  // namespace servebench::mock
