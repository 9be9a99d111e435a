import PlexusRouting
import Testing

@testable import PlexusServer

/// Candidate groups are built once per config snapshot; they must be what the alias and its fallbacks give.
@Suite("Candidate groups")
struct CandidateGroupsTests {
    @Test func groupsFollowTheFallbackChainWithEachTargetOnce() throws {
        let yaml = """
            providers:
              p: { api_base_url: "mock://" }
              off: { api_base_url: "mock://", enabled: false }
            models:
              a:
                fallback: b
                targets: [ { provider: p, model: m1 }, { provider: off, model: m2 } ]
              b:
                targets: [ { provider: p, model: m1 }, { provider: p, model: m3 } ]
            """
        let state = GatewayState(config: try ConfigLoader.load(yaml: yaml, environment: [:], fileName: "plexus.yaml"))
        let a = try #require(state.config.alias(named: "a"))
        let groups = state.candidateGroups(for: a)
        #expect(groups.map { $0.alias?.name } == ["a", "b"])
        #expect(groups.map { $0.candidates.map(\.target.model) } == [["m1"], ["m3"]])
        let b = try #require(state.config.alias(named: "b"))
        #expect(state.candidateGroups(for: b).map { $0.candidates.map(\.target.model) } == [["m1", "m3"]])
    }
}
