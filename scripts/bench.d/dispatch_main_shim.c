// Valgrind cannot follow libdispatch's dispatch_main (the main thread pthread_exits); run the main queue
// from a CoreFoundation run loop on the main thread instead.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <unistd.h>
void dispatch_main(void) {
    void (*run)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "CFRunLoopRun");
    if (run) { for (;;) run(); }
    void (*drain)(void *) = (void (*)(void *))dlsym(RTLD_DEFAULT, "_dispatch_main_queue_callback_4CF");
    for (;;) { if (drain) drain(0); usleep(1000); }
}
