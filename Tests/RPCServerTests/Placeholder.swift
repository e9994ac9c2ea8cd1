// RPCServer tests (filled in with the server).
