// Generated from proto/ (npm run proto:generate): payload interfaces, string-literal enums,
// and proto3 JSON fromJSON/toJSON.
export * from './generated/tracking/v1/common';
export * from './generated/tracking/v1/envelope';
export * from './generated/tracking/v1/notification_events';
export * from './generated/tracking/v1/order_events';
export * from './generated/tracking/v1/production_events';
export * from './generated/tracking/v1/shipment_events';
export * from './generated/tracking/v1/states';
export * from './generated/tracking/v1/status_events';
export * from './generated/tracking/v1/storefront_sync_events';

export * from './states';
export * from './transitions';
export * from './event-types';
export * from './topics';
export * from './envelope';
export * from './codecs';
export * from './reducer';
export * from './status-changed';
export * from './clock';
export * from './tracking-token';
