"""Layer 1: AMQP (RabbitMQ through pika): the agent's publisher and the desk's consumer."""
