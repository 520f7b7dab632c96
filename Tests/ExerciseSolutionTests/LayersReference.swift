// The reference solution of exercise layers must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter LayersTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class LayersReference: XCTestCase {
    func testPlacesPhysicalDevicesAtLayerOne() { LayersChecks.physicalDevices(osiLayer(of:)) }
    func testPlacesDataLinkProtocolsAndSwitches() { LayersChecks.dataLink(osiLayer(of:)) }
    func testPlacesNetworkProtocolsAndRouters() { LayersChecks.network(osiLayer(of:)) }
    func testPlacesTransportProtocols() { LayersChecks.transport(osiLayer(of:)) }
    func testPlacesApplicationProtocols() { LayersChecks.application(osiLayer(of:)) }
    func testIgnoresCaseAndSurroundingSpaces() { LayersChecks.caseAndSpaces(osiLayer(of:)) }
    func testReturnsNilForUnknownNames() { LayersChecks.unknownNames(osiLayer(of:)) }
    func testNamesTheDataUnitOfEachProtocol() { LayersChecks.dataUnits(dataUnit(of:)) }
}
