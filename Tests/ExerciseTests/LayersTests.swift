// Grades Exercises/01_Layers.swift: `osilab check layers`, or `swift test --filter LayersTests`.
// What each test checks, and its messages, are in Sources/GradingChecks/LayersChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class LayersTests: XCTestCase {
    func testPlacesPhysicalDevicesAtLayerOne() { LayersChecks.physicalDevices(osiLayer(of:)) }
    func testPlacesDataLinkProtocolsAndSwitches() { LayersChecks.dataLink(osiLayer(of:)) }
    func testPlacesNetworkProtocolsAndRouters() { LayersChecks.network(osiLayer(of:)) }
    func testPlacesTransportProtocols() { LayersChecks.transport(osiLayer(of:)) }
    func testPlacesApplicationProtocols() { LayersChecks.application(osiLayer(of:)) }
    func testIgnoresCaseAndSurroundingSpaces() { LayersChecks.caseAndSpaces(osiLayer(of:)) }
    func testReturnsNilForUnknownNames() { LayersChecks.unknownNames(osiLayer(of:)) }
    func testNamesTheDataUnitOfEachProtocol() { LayersChecks.dataUnits(dataUnit(of:)) }
}
