import Hummingbird

/// Serves the dashboard at `/ui/` from assets embedded in the binary (to be written).
struct DashboardRoutes {
    func register(on router: Router<BasicRequestContext>) {}
}
