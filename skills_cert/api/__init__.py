"""The open JSON API (`api.*`) for employers' HR systems, labour inspectors' tools and the Thai
side's systems, and its OpenAPI document. The verification it answers is certification's."""
