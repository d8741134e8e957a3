package dev.es.server.broker;

/** The broker contract, for one server alone. */
class InProcessBrokerTest extends BrokerContract {

    @Override
    Broker newBroker() {
        return Broker.inProcess();
    }
}
