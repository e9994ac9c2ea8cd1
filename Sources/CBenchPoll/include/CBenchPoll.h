// epoll and timerfd for the benchmark's single-threaded open-loop driver (M2GRLBench), which
// Swift's Glibc module does not export. Declarations only; used by M2GRLBench internally.
#pragma once
#include <sys/epoll.h>
#include <sys/timerfd.h>
