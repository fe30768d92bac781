namespace blockdb::pgwire {}
