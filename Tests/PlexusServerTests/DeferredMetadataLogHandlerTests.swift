import Logging
import Testing

@testable import PlexusServer

/// Metadata set on the request logger is kept aside, but every written line still carries it.
@Suite("Deferred metadata log handler")
struct DeferredMetadataLogHandlerTests {
    @Test func writtenLinesCarryTheLoggersAndTheLinesMetadata() {
        let buffer = LogBuffer()
        var base = Logger(label: "test") { _ in CapturingLogHandler(buffer: buffer) }
        base[metadataKey: "service"] = "plexus"
        var logger = DeferredMetadataLogHandler.logger(wrapping: base)
        logger[metadataKey: "hb.request.id"] = "7"
        logger[metadataKey: "step"] = "one"
        logger[metadataKey: "step"] = "two"
        #expect(logger[metadataKey: "hb.request.id"] == "7")
        #expect(logger[metadataKey: "service"] == "plexus")
        #expect(logger.handler.metadata == ["service": "plexus", "hb.request.id": "7", "step": "two"])
        logger.info("hello", metadata: ["step": "three"])
        #expect(buffer.text.hasPrefix("info hello "))
        for part in [#""service": plexus"#, #""hb.request.id": 7"#, #""step": three"#] {
            #expect(buffer.text.contains(part))
        }
        logger[metadataKey: "service"] = nil
        logger[metadataKey: "step"] = nil
        #expect(logger.handler.metadata == ["hb.request.id": "7"])
    }

    @Test func levelIsTheWrappedHandlers() {
        var base = Logger(label: "test") { _ in CapturingLogHandler(buffer: LogBuffer()) }
        base.logLevel = .warning
        var logger = DeferredMetadataLogHandler.logger(wrapping: base)
        #expect(logger.logLevel == .warning)
        logger.logLevel = .debug
        #expect(logger.logLevel == .debug)
    }
}
