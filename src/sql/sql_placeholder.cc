namespace blockdb::sql {}
